namespace Kernel.LoadHarness.Jobs;

/// <summary>A job queue under measurement: enqueue no-op jobs one at a time or in bulk, run workers, count successes.</summary>
internal interface IBenchQueue : IAsyncDisposable
{
    /// <summary>What <c>--queues</c> calls it.</summary>
    string Key { get; }

    string Name { get; }

    /// <summary>How the workers are configured, for the table's notes.</summary>
    string Settings { get; }

    Task StartWorkersAsync(CancellationToken cancellationToken);

    Task StopWorkersAsync(CancellationToken cancellationToken);

    /// <summary>Enqueues one no-op job carrying <paramref name="enqueuedAt"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp); <paramref name="index"/> picks a tenant where the queue has tenants.</summary>
    Task EnqueueAsync(long enqueuedAt, int index, CancellationToken cancellationToken);

    /// <summary>Enqueues <paramref name="count"/> no-op jobs as fast as the queue's API allows.</summary>
    Task EnqueueManyAsync(int count, CancellationToken cancellationToken);

    /// <summary>How many jobs have succeeded (committed as done), read from the queue's tables.</summary>
    Task<long> SucceededAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every job, so the next measurement starts on an empty queue.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}
