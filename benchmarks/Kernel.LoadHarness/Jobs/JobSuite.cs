using System.Diagnostics;
using Kernel.LoadHarness.Bench;
using Kernel.LoadHarness.Http;
using Kernel.LoadHarness.Reporting;
using Kernel.Testing;

namespace Kernel.LoadHarness.Jobs;

/// <summary>
/// The job comparisons, the kernel's queue against Graphile Worker (a Node.js child process) and Hangfire.PostgreSql
/// on the same PostgreSQL in the same run, each measurement alternating between them round by round: bulk enqueue,
/// throughput of jobs queued in advance, throughput of jobs enqueued one at a time while the workers run, and
/// enqueue-to-start latency on an idle queue. Ratios are against Graphile Worker when it is measured, else against the
/// first queue.
/// </summary>
internal static class JobSuite
{
    private const int LiveProducers = 4;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public static async Task<IReadOnlyList<ResultTable>> RunAsync(LocalPostgresCluster cluster, HarnessSettings settings, CancellationToken cancellationToken)
    {
        await cluster.CreateDatabaseAsync("bench_jobs", cancellationToken: cancellationToken);
        await cluster.CreateDatabaseAsync("bench_hangfire", cancellationToken: cancellationToken);
        await cluster.CreateDatabaseAsync("bench_graphile", cancellationToken: cancellationToken);
        await using var kernel = await KernelBenchQueue.StartAsync(
            cluster.RuntimeConnectionStringFor("bench_jobs"),
            cluster.OwnerConnectionStringFor("bench_jobs"),
            Superuser.ConnectionStringFor(cluster, "bench_jobs"),
            settings.Tenants,
            cancellationToken);
        await using var hangfire = new HangfireBenchQueue(Superuser.ConnectionStringFor(cluster, "bench_hangfire"), new KernelJobsOptions().Concurrency);
        await using var graphile = settings.Queues.Contains("graphile")
            ? await GraphileBenchQueue.StartAsync(Superuser.ConnectionStringFor(cluster, "bench_graphile"), new KernelJobsOptions().Concurrency, cancellationToken)
            : null;
        var queues = new IBenchQueue?[] { hangfire, graphile, kernel }.OfType<IBenchQueue>().Where(q => settings.Queues.Contains(q.Key)).ToArray();
        if (queues.Length == 0)
        {
            throw new ArgumentException("--queues names no known queue: kernel, hangfire, graphile.");
        }

        // A small warm-up of every path (JIT, pools, Hangfire's schema) before anything is measured.
        var warmup = Math.Max(20, settings.Jobs / 50);
        foreach (var queue in queues)
        {
            await QueuedInAdvanceAsync(queue, warmup, cancellationToken);
            await LiveAsync(queue, warmup, cancellationToken);
        }

        var bulk = queues.ToDictionary(q => q, _ => new List<double>());
        var advance = queues.ToDictionary(q => q, _ => new List<double>());
        var live = queues.ToDictionary(q => q, _ => new List<double>());
        var latencies = queues.ToDictionary(q => q, _ => new List<double>());
        for (var round = 0; round < settings.JobRounds; round++)
        {
            foreach (var queue in round % 2 == 0 ? queues : queues.Reverse())
            {
                var (bulkRate, advanceRate) = await QueuedInAdvanceAsync(queue, settings.Jobs, cancellationToken);
                bulk[queue].Add(bulkRate);
                advance[queue].Add(advanceRate);
                live[queue].Add(await LiveAsync(queue, settings.Jobs, cancellationToken));
                latencies[queue].AddRange(await LatencyAsync(queue, settings.LatencySamples / settings.JobRounds, cancellationToken));
                Console.Error.WriteLine(
                    $"[jobs]   round {round + 1} {queue.Name}: bulk enqueue {bulkRate:N0}/s, queued in advance {advanceRate:N0} jobs/s, enqueued live {live[queue][^1]:N0} jobs/s");
            }
        }

        var baseline = queues.FirstOrDefault(q => q.Key == "graphile") ?? queues[0];
        var throughput = new ResultTable(
            $"Job throughput: {settings.Jobs:N0} no-op jobs",
            "queue", "queued in advance (jobs/s)", "per round", $"vs {baseline.Name}", $"enqueued live by {LiveProducers} producers (jobs/s)", "per round", $"vs {baseline.Name}");
        var latency = new ResultTable(
            "Enqueue-to-start latency on an idle queue (one job at a time)",
            "queue", "samples", "p50", "p90", "p99", "max");
        var bulkTable = new ResultTable($"Bulk enqueue: {settings.Jobs:N0} jobs, workers stopped", "queue", "jobs/s (median)", "per round", $"vs {baseline.Name}");
        foreach (var queue in queues)
        {
            throughput.Row(
                queue.Name,
                ResultTable.Number(HttpSuite.Median(advance[queue])),
                ResultTable.PerRound(advance[queue]),
                ResultTable.Ratio(HttpSuite.Median(advance[queue]) / HttpSuite.Median(advance[baseline])),
                ResultTable.Number(HttpSuite.Median(live[queue])),
                ResultTable.PerRound(live[queue]),
                ResultTable.Ratio(HttpSuite.Median(live[queue]) / HttpSuite.Median(live[baseline])));
            var sorted = latencies[queue].Order().ToArray();
            latency.Row(
                queue.Name,
                ResultTable.Number(sorted.Length),
                ResultTable.Millis(Percentile(sorted, 0.50)),
                ResultTable.Millis(Percentile(sorted, 0.90)),
                ResultTable.Millis(Percentile(sorted, 0.99)),
                ResultTable.Millis(sorted[^1]));
            bulkTable.Row(
                queue.Name,
                ResultTable.Number(HttpSuite.Median(bulk[queue])),
                ResultTable.PerRound(bulk[queue]),
                ResultTable.Ratio(HttpSuite.Median(bulk[queue]) / HttpSuite.Median(bulk[baseline])));
        }

        foreach (var queue in queues)
        {
            throughput.Note(queue.Settings);
        }

        return
        [
            throughput
                .Note("Queued in advance: jobs enqueued with the workers stopped, then the workers started; from the first job's start to the last job's committed success.")
                .Note($"Enqueued live: {LiveProducers} producers enqueue one job per call (each its own transaction) while the workers run; from the first enqueue to the last committed success.")
                .Note($"Committed successes are counted every {Poll.TotalMilliseconds:0} ms: the kernel's from its `kernel.job.outcomes` counter (recorded after commit), Graphile Worker's from its `job:complete` event (emitted once the delete of the job's row has returned) as its process reports it, Hangfire's from its job table's state; {settings.JobRounds} round(s), the queues alternating; medians over rounds."),
            latency.Note("From just before the enqueue call to the handler's first line, one job at a time, 10–30 ms apart, workers idle and listening; all rounds pooled. Graphile Worker's task times its own start in its process (process.hrtime, the same monotonic clock as .NET's Stopwatch, checked when it starts)."),
            bulkTable.Note("The kernel: IJobQueue.EnqueueManyAsync in chunks (one statement and one NOTIFY each). Graphile Worker: graphile_worker.add_jobs in chunks (one statement each). Hangfire: no bulk API in its open-source edition, so parallel BackgroundJobClient.Enqueue calls."),
        ];
    }

    /// <summary>Bulk-enqueues <paramref name="count"/> jobs with the workers stopped, then starts them; returns the enqueue rate and the drain rate.</summary>
    private static async Task<(double Bulk, double Drain)> QueuedInAdvanceAsync(IBenchQueue queue, int count, CancellationToken cancellationToken)
    {
        await queue.StopWorkersAsync(cancellationToken);
        await queue.ClearAsync(cancellationToken);
        var enqueue = Stopwatch.StartNew();
        await queue.EnqueueManyAsync(count, cancellationToken);
        var bulk = count / enqueue.Elapsed.TotalSeconds;

        long first = 0;
        JobProbe.Reset((_, startedAt) => Interlocked.CompareExchange(ref first, startedAt, 0));
        await queue.StartWorkersAsync(cancellationToken);
        var done = await WaitForAsync(queue, count, cancellationToken);
        return (bulk, count / Stopwatch.GetElapsedTime(Interlocked.Read(ref first), done).TotalSeconds);
    }

    /// <summary>With the workers running, <see cref="LiveProducers"/> producers enqueue <paramref name="count"/> jobs one at a time; returns jobs/s from the first enqueue to the last success.</summary>
    private static async Task<double> LiveAsync(IBenchQueue queue, int count, CancellationToken cancellationToken)
    {
        await queue.StartWorkersAsync(cancellationToken);
        await queue.ClearAsync(cancellationToken);
        JobProbe.Reset();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, LiveProducers).Select(_ => Task.Run(
            async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                {
                    await queue.EnqueueAsync(Stopwatch.GetTimestamp(), i, cancellationToken);
                }
            },
            cancellationToken)));
        var done = await WaitForAsync(queue, count, cancellationToken);
        return count / Stopwatch.GetElapsedTime(started, done).TotalSeconds;
    }

    /// <summary>Enqueue-to-start of <paramref name="samples"/> jobs, one at a time on an idle queue, in milliseconds.</summary>
    private static async Task<List<double>> LatencyAsync(IBenchQueue queue, int samples, CancellationToken cancellationToken)
    {
        await queue.StartWorkersAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken); // Let the workers settle into waiting.
        var latencies = new List<double>(samples);
        var random = new Random(5);
        for (var i = 0; i < samples; i++)
        {
            var signal = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            JobProbe.Reset((_, startedAt) => signal.TrySetResult(startedAt));
            var enqueuedAt = Stopwatch.GetTimestamp();
            await queue.EnqueueAsync(enqueuedAt, i, cancellationToken);
            var startedAt = await signal.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(enqueuedAt, startedAt).TotalMilliseconds);
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(10, 31)), cancellationToken);
        }

        JobProbe.Reset();
        return latencies;
    }

    /// <summary>Waits until <paramref name="count"/> jobs have succeeded; returns the timestamp at which that was seen.</summary>
    private static async Task<long> WaitForAsync(IBenchQueue queue, int count, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * Math.Max(120, count / 50));
        while (true)
        {
            if (await queue.SucceededAsync(cancellationToken) >= count)
            {
                return Stopwatch.GetTimestamp();
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{queue.Name}: fewer than {count:N0} jobs succeeded in time ({JobProbe.Count:N0} started).");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
