namespace Kernel;

/// <summary>
/// Rate limits of kernel routes (<c>Kernel:RateLimiting</c>), enforced by ASP.NET Core's rate limiter after the caller
/// is identified: every request counts against its tenant's budget and its actor's (an anonymous caller's: its client
/// address), per policy. A route takes the <see cref="Default"/> policy unless it names one with
/// <c>WithRateLimitPolicy</c>. Refused requests are <c>429 RATE_LIMITED</c> with <c>Retry-After</c>.
/// </summary>
public sealed class KernelRateLimitingOptions
{
    /// <summary>Whether kernel routes are rate limited. The default value is <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The policy of every kernel route that names none.</summary>
    public KernelRateLimitPolicy Default { get; set; } = new();

    /// <summary>Named policies, for routes that declare one with <c>WithRateLimitPolicy(name)</c>. Names are case-insensitive.</summary>
    public IDictionary<string, KernelRateLimitPolicy> Policies { get; set; } = new Dictionary<string, KernelRateLimitPolicy>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One rate-limit policy: requests per fixed window, per tenant and per actor.</summary>
public sealed class KernelRateLimitPolicy
{
    /// <summary>Requests per window of all of one tenant's actors together. The default value is 6000.</summary>
    public int TenantPermits { get; set; } = 6000;

    /// <summary>Requests per window of one actor in one tenant, and of one anonymous client address. The default value is 1200.</summary>
    public int ActorPermits { get; set; } = 1200;

    /// <summary>The window the permits replenish in. The default value is 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
