using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Limits;

/// <summary>
/// The limiter ASP.NET Core's rate-limiting middleware runs for kernel routes (as its global limiter): an actor's budget
/// (an anonymous caller's: its client address's) and its tenant's, each a fixed window per policy; a request either
/// refuses spends a permit of neither. It partitions on the <see cref="KernelContext"/> the route wrapper established
/// (a request feature), so it runs after identity; anything that is not a kernel route, or has no context, passes
/// unlimited. Partitions are the framework's: replenished by one timer, idle ones dropped.
/// </summary>
internal sealed class KernelRateLimiter : IDisposable
{
    private readonly KernelRateLimitingOptions _options;
    private readonly IDictionary<string, KernelPlan> _plans;
    private readonly PartitionedRateLimiter<HttpContext> _perTenant;
    private readonly PartitionedRateLimiter<HttpContext> _perCaller;

    // Created once: a partition lookup per request then allocates no delegate.
    private readonly Func<TenantKey, RateLimiter> _tenantWindow;
    private readonly Func<CallerKey, RateLimiter> _callerWindow;

    public KernelRateLimiter(IOptions<KernelOptions> options)
    {
        _options = options.Value.RateLimiting;
        _plans = options.Value.Tenancy.Plans;
        _tenantWindow = key => Window(PolicyOf(key.Policy, key.Plan), tenant: true);
        _callerWindow = key => Window(PolicyOf(key.Policy, key.Plan), tenant: false);
        _perTenant = PartitionedRateLimiter.Create<HttpContext, TenantKey>(TenantPartition);
        _perCaller = PartitionedRateLimiter.Create<HttpContext, CallerKey>(CallerPartition);
        Limiter = new BothBudgets(_perCaller, _perTenant);
    }

    /// <summary>Both budgets: a request is admitted only when its actor and its tenant each have a permit.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose()
    {
        Limiter.Dispose();
        _perTenant.Dispose();
        _perCaller.Dispose();
    }

    /// <summary>The policy a route declared, or the default: the tenant's plan's own, else the configured one.</summary>
    private KernelRateLimitPolicy PolicyOf(string? name, string? plan) =>
        plan is not null && _plans.TryGetValue(plan, out var planned) && planned.RateLimits.TryGetValue(name ?? DefaultPolicy, out var own) ? own
        : name is null ? _options.Default : _options.Policies[name];

    /// <summary>The name a plan gives the default policy's budget under (<see cref="KernelPlan.RateLimits"/>).</summary>
    internal const string DefaultPolicy = "Default";

    private RateLimitPartition<TenantKey> TenantPartition(HttpContext http)
    {
        if (Resolve(http) is not ({ TenantId: { } tenant }, var policy))
        {
            return RateLimitPartition.GetNoLimiter(default(TenantKey));
        }

        // Keyed by plan too: a tenant moved to another plan gets that plan's budget on its next request.
        return RateLimitPartition.Get(new TenantKey(policy, PlanOf(http), tenant), _tenantWindow);
    }

    private RateLimitPartition<CallerKey> CallerPartition(HttpContext http)
    {
        if (Resolve(http) is not ({ } context, var policy))
        {
            return RateLimitPartition.GetNoLimiter(default(CallerKey));
        }

        var key = context.Actor is { } actor
            ? new CallerKey(policy, PlanOf(http), context.TenantId, actor.Id)
            : new CallerKey(policy, null, null, http.Connection.RemoteIpAddress?.ToString() ?? "");
        return RateLimitPartition.Get(key, _callerWindow);
    }

    // Not replenishing itself: the partitioned limiter's one timer replenishes every partition.
    private static FixedWindowRateLimiter Window(KernelRateLimitPolicy policy, bool tenant) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = tenant ? policy.TenantPermits : policy.ActorPermits,
        Window = policy.Window,
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    /// <summary>The request's kernel context and declared policy, when it is a kernel route with a context.</summary>
    private static (KernelContext? Context, string? Policy) Resolve(HttpContext http)
    {
        // The route wrapper publishes the context as a request feature once it is established (kernel routes only).
        var context = http.Features.Get<KernelContext>();
        return context is null ? (null, null) : (context, http.GetEndpoint()?.Metadata.GetMetadata<KernelRateLimitMetadata>()?.Policy);
    }

    private static string? PlanOf(HttpContext http) => http.Features.Get<RatePlan>()?.Name;

    private readonly record struct TenantKey(string? Policy, string? Plan, Guid Tenant);

    private readonly record struct CallerKey(string? Policy, string? Plan, Guid? Tenant, string Caller);

    /// <summary>
    /// The actor's budget and the tenant's, where a refused request spends a permit of neither. (The framework's
    /// chained limiter takes the actor's permit before the tenant's refuses, and its middleware asks again once
    /// refused: a client retrying while its tenant's budget is spent would use up its own budget too.) A refusal
    /// consumes nothing, so the tenant's budget is looked at, without taking, before the actor's permit is taken.
    /// </summary>
    private sealed class BothBudgets(PartitionedRateLimiter<HttpContext> caller, PartitionedRateLimiter<HttpContext> tenant)
        : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => caller.GetStatistics(resource);

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
        {
            if (tenant.GetStatistics(resource) is { } budget && budget.CurrentAvailablePermits < permitCount)
            {
                return tenant.AttemptAcquire(resource, permitCount); // Refused, with its Retry-After; takes nothing.
            }

            var actorLease = caller.AttemptAcquire(resource, permitCount);
            if (!actorLease.IsAcquired)
            {
                return actorLease;
            }

            // Another request may have taken the tenant's last permit since the look: then this actor's permit is
            // spent on a refusal, as with any limiter that checks two budgets without one lock.
            var tenantLease = tenant.AttemptAcquire(resource, permitCount);
            if (!tenantLease.IsAcquired)
            {
                actorLease.Dispose();
                return tenantLease;
            }

            // Fixed windows give nothing back on release, so the granted leases need not be kept.
            tenantLease.Dispose();
            return actorLease;
        }

        // No queue (QueueLimit is 0): waiting is trying.
        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));
    }
}
