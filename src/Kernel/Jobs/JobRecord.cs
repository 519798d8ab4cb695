namespace Kernel.Jobs;

/// <summary>A claimed job envelope, as the worker runs it.</summary>
internal sealed record JobRecord(
    Guid Id,
    string Type,
    Guid? TenantId,
    string? ActorId,
    string[] ActorRoles,
    string? Traceparent,
    string CorrelationId,
    string Payload,
    DateTimeOffset RunAt,
    int Attempts,
    int MaxAttempts);
