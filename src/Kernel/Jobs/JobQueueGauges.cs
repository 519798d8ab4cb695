using System.Diagnostics.Metrics;
using Kernel.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kernel.Jobs;

/// <summary>
/// The queue's observable gauges: jobs by type and state (ready, scheduled, running) and the age of the oldest
/// ready job by type. A collection runs one query (<c>kernel.job_queue_stats()</c>) whose snapshot both gauges read;
/// nothing is queried while no meter listener collects them, and nothing per job.
/// </summary>
internal sealed partial class JobQueueGauges(IMeterFactory meters, KernelDataSource dataSource, TimeProvider time, ILogger<JobQueueGauges> logger)
    : IHostedService, IDisposable
{
    /// <summary>Both gauges of one collection (and collections closer together than this) share a snapshot.</summary>
    private static readonly TimeSpan SnapshotLifetime = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Meter? _meter;
    private Snapshot? _snapshot;
    private bool _failing;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _meter = meters.Create(KernelDiagnostics.MeterName);
        _meter.CreateObservableGauge(
            "kernel.job.queue.depth",
            () => Current().Depth,
            unit: "{job}",
            description: "Jobs in the queue, by job type and state: ready (due), scheduled (due later or waiting for a retry), running.");
        _meter.CreateObservableGauge(
            "kernel.job.queue.oldest_ready_age",
            () => Current().OldestReadyAge,
            unit: "s",
            description: "Seconds the oldest ready job of each type has been due: how long the queue keeps work waiting.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _meter?.Dispose();

    private Snapshot Current()
    {
        lock (_gate)
        {
            if (_snapshot is { } fresh && time.GetElapsedTime(fresh.TakenAt) < SnapshotLifetime)
            {
                return fresh;
            }

            _snapshot = Query();
            return _snapshot;
        }
    }

    /// <summary>Synchronous: observable instruments are read on the collecting thread. A failure yields no measurements.</summary>
    private Snapshot Query()
    {
        var depth = new List<Measurement<long>>();
        var age = new List<Measurement<double>>();
        try
        {
            using var connection = dataSource.DataSource.OpenConnection();
            using var command = new NpgsqlCommand("select type, ready, scheduled, running, oldest_ready_seconds from kernel.job_queue_stats()", connection) { CommandTimeout = 5 };
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var type = new KeyValuePair<string, object?>("kernel.job.type", reader.GetString(0));
                depth.Add(new(reader.GetInt64(1), type, new("kernel.job.state", "ready")));
                depth.Add(new(reader.GetInt64(2), type, new("kernel.job.state", "scheduled")));
                depth.Add(new(reader.GetInt64(3), type, new("kernel.job.state", "running")));
                if (!reader.IsDBNull(4))
                {
                    age.Add(new(Math.Max(0, reader.GetDouble(4)), type));
                }
            }

            _failing = false;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            if (!_failing)
            {
                LogQueryFailed(logger, ex); // Once per outage, not once per collection.
            }

            _failing = true;
        }

        return new Snapshot(time.GetTimestamp(), depth, age);
    }

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Reading the job queue gauges failed; they report nothing until the database answers again")]
    private static partial void LogQueryFailed(ILogger logger, Exception exception);

    private sealed record Snapshot(long TakenAt, IReadOnlyList<Measurement<long>> Depth, IReadOnlyList<Measurement<double>> OldestReadyAge);
}
