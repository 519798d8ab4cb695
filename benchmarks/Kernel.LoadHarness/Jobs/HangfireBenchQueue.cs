using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Kernel.LoadHarness.Bench;

namespace Kernel.LoadHarness.Jobs;

/// <summary>
/// Hangfire 1.8 on Hangfire.PostgreSql, in this process, on the same PostgreSQL, given its best settings for latency
/// and throughput: LISTEN/NOTIFY long polling, a 50 ms queue poll, as many workers as the kernel's concurrency.
/// Hangfire has no bulk enqueue in its open-source edition, so bulk is parallel single enqueues.
/// </summary>
internal sealed class HangfireBenchQueue : IBenchQueue
{
    private const int BulkParallelism = 8;

    private readonly PostgreSqlStorage _storage;
    private readonly BackgroundJobClient _client;
    private readonly string _connectionString;
    private readonly int _workers;
    private BackgroundJobServer? _server;

    public HangfireBenchQueue(string connectionString, int workers)
    {
        _connectionString = connectionString;
        _workers = workers;
        var options = new PostgreSqlStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromMilliseconds(50),
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
        };
        _storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        _client = new BackgroundJobClient(_storage);
    }

    public string Key => "hangfire";

    public string Name => "Hangfire.PostgreSql";

    public string Settings =>
        $"Hangfire 1.8.25 + Hangfire.PostgreSql 1.21.1: {_workers} workers, long polling (LISTEN/NOTIFY) on, 50 ms queue poll, {BulkParallelism} parallel single enqueues for bulk (no bulk API)";

    public Task StartWorkersAsync(CancellationToken cancellationToken)
    {
        _server ??= new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = _workers,
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
                ShutdownTimeout = TimeSpan.FromSeconds(10),
            },
            _storage);
        return Task.CompletedTask;
    }

    public Task StopWorkersAsync(CancellationToken cancellationToken)
    {
        var server = _server;
        _server = null;
        server?.Dispose(); // Stops and waits for the workers.
        return Task.CompletedTask;
    }

    public Task EnqueueAsync(long enqueuedAt, int index, CancellationToken cancellationToken)
    {
        _client.Enqueue(() => HangfireNoop.Run(enqueuedAt));
        return Task.CompletedTask;
    }

    public Task EnqueueManyAsync(int count, CancellationToken cancellationToken)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        return Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = BulkParallelism, CancellationToken = cancellationToken }, (_, _) =>
        {
            _client.Enqueue(() => HangfireNoop.Run(now));
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Hangfire's succeeded state is committed in the job row's <c>statename</c>; a scan of it every poll is the cost of asking.</summary>
    public Task<long> SucceededAsync(CancellationToken cancellationToken) =>
        Superuser.ScalarAsync(_connectionString, "select count(*) from hangfire.job where statename = 'Succeeded'", cancellationToken);

    public Task ClearAsync(CancellationToken cancellationToken) =>
        Superuser.ExecuteAsync(_connectionString, "truncate hangfire.job cascade; truncate hangfire.jobqueue; truncate hangfire.counter", cancellationToken);

    public async ValueTask DisposeAsync() => await StopWorkersAsync(CancellationToken.None);
}

/// <summary>Hangfire's no-op job (Hangfire invokes a public method by expression).</summary>
public static class HangfireNoop
{
    /// <summary>Tells the probe the job started.</summary>
    /// <param name="enqueuedAt">The enqueuing timestamp.</param>
    public static void Run(long enqueuedAt) => JobProbe.Started(enqueuedAt);
}
