using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Limits;

/// <summary>
/// The limiter ASP.NET Core's rate-limiting middleware runs for kernel routes (as its global limiter): a tenant's budget
/// chained with its actor's (an anonymous caller's: its client address's), each a fixed window per policy. It partitions
/// on the <see cref="KernelContext"/> the route wrapper established (a request feature), so it runs after identity;
/// anything that is not a kernel route, or has no context, passes unlimited. Partitions are the framework's: replenished by one timer, idle
/// ones dropped.
/// </summary>
internal sealed class KernelRateLimiter : IDisposable
{
    private readonly KernelRateLimitingOptions _options;
    private readonly PartitionedRateLimiter<HttpContext> _perTenant;
    private readonly PartitionedRateLimiter<HttpContext> _perCaller;

    // Created once: a partition lookup per request then allocates no delegate.
    private readonly Func<TenantKey, RateLimiter> _tenantWindow;
    private readonly Func<CallerKey, RateLimiter> _callerWindow;

    public KernelRateLimiter(IOptions<KernelOptions> options)
    {
        _options = options.Value.RateLimiting;
        _tenantWindow = key => Window(PolicyOf(key.Policy), tenant: true);
        _callerWindow = key => Window(PolicyOf(key.Policy), tenant: false);
        _perTenant = PartitionedRateLimiter.Create<HttpContext, TenantKey>(TenantPartition);
        _perCaller = PartitionedRateLimiter.Create<HttpContext, CallerKey>(CallerPartition);
        // The actor's budget first: a request it refuses does not draw on the tenant's, so one runaway actor cannot
        // spend its tenant's budget on requests that are refused anyway.
        Limiter = PartitionedRateLimiter.CreateChained(_perCaller, _perTenant);
    }

    /// <summary>Both budgets: a request is admitted only when its actor and its tenant each have a permit.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose()
    {
        Limiter.Dispose();
        _perTenant.Dispose();
        _perCaller.Dispose();
    }

    /// <summary>The configured policy a route declared, or the default.</summary>
    private KernelRateLimitPolicy PolicyOf(string? name) =>
        name is null ? _options.Default : _options.Policies[name];

    private RateLimitPartition<TenantKey> TenantPartition(HttpContext http)
    {
        if (Resolve(http) is not ({ TenantId: { } tenant }, var policy))
        {
            return RateLimitPartition.GetNoLimiter(default(TenantKey));
        }

        return RateLimitPartition.Get(new TenantKey(policy, tenant), _tenantWindow);
    }

    private RateLimitPartition<CallerKey> CallerPartition(HttpContext http)
    {
        if (Resolve(http) is not ({ } context, var policy))
        {
            return RateLimitPartition.GetNoLimiter(default(CallerKey));
        }

        var key = context.Actor is { } actor
            ? new CallerKey(policy, context.TenantId, actor.Id)
            : new CallerKey(policy, null, http.Connection.RemoteIpAddress?.ToString() ?? "");
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

    private readonly record struct TenantKey(string? Policy, Guid Tenant);

    private readonly record struct CallerKey(string? Policy, Guid? Tenant, string Caller);
}
