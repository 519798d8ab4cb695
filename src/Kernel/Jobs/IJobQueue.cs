namespace Kernel;

/// <summary>
/// Enqueues durable jobs. The job carries the current <see cref="KernelContext"/> (tenant, actor, correlation and
/// trace) and runs later, on any worker, in that restored context. Inside a route or job the job joins its unit of
/// work: it exists if and only if that work commits. Delivery is at least once, so handlers must be idempotent.
/// </summary>
public interface IJobQueue
{
    /// <summary>Enqueues a job of a declared type.</summary>
    /// <typeparam name="TPayload">The payload type the job declares.</typeparam>
    /// <param name="job">The job's definition, as declared in an addon manifest.</param>
    /// <param name="payload">The payload, serialised as JSON (at most 256 KiB).</param>
    /// <param name="options">When, how urgently, how often and how uniquely to run it; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the enqueue.</param>
    /// <returns>The job id; with a unique key that already exists, the id of the existing job.</returns>
    /// <exception cref="KernelException">TENANT_REQUIRED: a tenant job enqueued with no tenant in context.</exception>
    /// <exception cref="ArgumentException">The type is not declared by any addon, or the payload is not JSON-serialisable or too large.</exception>
    Task<Guid> EnqueueAsync<TPayload>(JobDefinition<TPayload> job, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Enqueues a job by its type name.</summary>
    /// <typeparam name="TPayload">The payload type the job declares.</typeparam>
    /// <param name="type">The dotted job type name, e.g. <c>requests.reminder</c>.</param>
    /// <param name="payload">The payload, serialised as JSON (at most 256 KiB).</param>
    /// <param name="options">When, how urgently, how often and how uniquely to run it; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the enqueue.</param>
    /// <returns>The job id; with a unique key that already exists, the id of the existing job.</returns>
    /// <exception cref="KernelException">TENANT_REQUIRED: a tenant job enqueued with no tenant in context.</exception>
    /// <exception cref="ArgumentException">The type is not declared by any addon, or the payload is not JSON-serialisable or too large.</exception>
    Task<Guid> EnqueueAsync<TPayload>(string type, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues many jobs of one type in a single statement: they share the current context and
    /// <paramref name="options"/>, and each gets its own id and payload. Inside a route or job they join its unit of
    /// work like <see cref="EnqueueAsync{TPayload}(JobDefinition{TPayload}, TPayload, JobOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="TPayload">The payload type the job declares.</typeparam>
    /// <param name="job">The job's definition, as declared in an addon manifest.</param>
    /// <param name="payloads">One payload per job, each serialised as JSON (at most 256 KiB).</param>
    /// <param name="options">Shared by every job; <see cref="JobOptions.UniqueKey"/> must be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the enqueue.</param>
    /// <returns>The new jobs' ids, in the order of <paramref name="payloads"/>.</returns>
    /// <exception cref="KernelException">TENANT_REQUIRED: a tenant job enqueued with no tenant in context.</exception>
    /// <exception cref="ArgumentException">The type is not declared by any addon, a payload is not JSON-serialisable or too large, or a unique key is set.</exception>
    Task<IReadOnlyList<Guid>> EnqueueManyAsync<TPayload>(JobDefinition<TPayload> job, IEnumerable<TPayload> payloads, JobOptions? options = null, CancellationToken cancellationToken = default);
}
