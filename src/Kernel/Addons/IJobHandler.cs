namespace Kernel;

/// <summary>
/// Handles one job type. Written like a route handler: it is resolved from a scope whose
/// <see cref="IKernelContextAccessor"/> holds the enqueuing request's context and whose <see cref="IUnitOfWork"/>
/// runs under that tenant's row-level security; the kernel commits when it returns and retries when it throws.
/// Jobs are delivered at least once, so a handler must be idempotent (e.g. insert … on conflict do nothing, keyed by
/// <see cref="JobContext.JobId"/>).
/// </summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public interface IJobHandler<in TPayload>
{
    /// <summary>Does the job's work.</summary>
    /// <param name="payload">The deserialised payload.</param>
    /// <param name="job">The job's id, type and attempt.</param>
    /// <param name="cancellationToken">Cancelled when the worker shuts down past its timeout or loses the job's lease.</param>
    /// <returns>A task that completes when the work is done.</returns>
    Task HandleAsync(TPayload payload, JobContext job, CancellationToken cancellationToken);
}
