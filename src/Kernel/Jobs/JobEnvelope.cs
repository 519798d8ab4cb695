namespace Kernel.Jobs;

/// <summary>What an enqueue writes: the job and the context it will run in.</summary>
internal sealed record JobEnvelope(
    Guid Id,
    string Type,
    Guid? TenantId,
    string? ActorId,
    string[] ActorRoles,
    string? Traceparent,
    string CorrelationId,
    string Payload,
    int Priority,
    DateTimeOffset? RunAt,
    int MaxAttempts,
    string? UniqueKey,
    bool ReplaceIfNotStarted);
