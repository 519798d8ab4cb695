namespace Kernel.Jobs;

/// <summary>A job as <c>GET /api/jobs/{id}</c> returns it: the envelope without the payload or the actor's roles.</summary>
internal sealed record JobStatus(
    Guid Id,
    string Type,
    string State,
    int Attempts,
    int MaxAttempts,
    int Priority,
    DateTimeOffset RunAt,
    string? LastError,
    string? ActorId,
    string CorrelationId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);
