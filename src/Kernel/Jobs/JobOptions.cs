namespace Kernel;

/// <summary>Per-enqueue options. Every member is optional.</summary>
public sealed record JobOptions
{
    /// <summary>Run no earlier than this instant. The default value is <see langword="null"/>: as soon as a worker is free.</summary>
    public DateTimeOffset? RunAt { get; init; }

    /// <summary>Higher runs first among due jobs. The default value is 0.</summary>
    public int Priority { get; init; }

    /// <summary>Attempts before the job is dead. The default value is <see langword="null"/>: the job definition's <see cref="JobDefinition.MaxAttempts"/>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>
    /// A key unique per job type and tenant (system jobs share one namespace) for as long as the job stays in the table. The
    /// default value is <see langword="null"/>: no uniqueness. What a second enqueue with the same key does is
    /// <see cref="UniqueMode"/>.
    /// </summary>
    public string? UniqueKey { get; init; }

    /// <summary>What an enqueue does when <see cref="UniqueKey"/> already exists. The default value is <see cref="JobUniqueMode.Ignore"/>.</summary>
    public JobUniqueMode UniqueMode { get; init; } = JobUniqueMode.Ignore;

    /// <summary>
    /// The tenant of a tenant job enqueued from system work (a system job such as a sweep over all tenants, or
    /// code outside any route or job). Ignored when the current context has a tenant: a tenant can only enqueue
    /// for itself. The default value is <see langword="null"/>.
    /// </summary>
    public Guid? TenantId { get; init; }
}
