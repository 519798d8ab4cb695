namespace Kernel;

/// <summary>The running job: what a handler knows about itself besides its payload and the <see cref="KernelContext"/>.</summary>
/// <param name="JobId">The job id; a natural idempotency key for the handler's effects.</param>
/// <param name="Type">The job type name.</param>
/// <param name="Attempt">The attempt number, starting at 1.</param>
/// <param name="MaxAttempts">Attempts before the job is dead.</param>
public sealed record JobContext(Guid JobId, string Type, int Attempt, int MaxAttempts);
