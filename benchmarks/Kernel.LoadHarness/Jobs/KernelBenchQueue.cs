using Kernel.LoadHarness.Bench;
using System.Diagnostics.Metrics;

namespace Kernel.LoadHarness.Jobs;

/// <summary>
/// The kernel's queue, in this process: one kernel app with its worker off that enqueues (as a system caller naming
/// each job's tenant, so every enqueue is its own short transaction), and a second kernel app with the default worker
/// settings that runs the jobs; starting and stopping the workers starts and stops that second app.
/// </summary>
internal sealed class KernelBenchQueue : IBenchQueue
{
    private const int BulkChunk = 1_000;

    private readonly string _runtime;
    private readonly string _owner;
    private readonly string _superuser;
    private readonly Guid[] _tenants;
    private readonly WebApplication _enqueuer;
    private readonly MeterListener _outcomes = new();
    private WebApplication? _worker;
    private long _succeeded;

    private KernelBenchQueue(string runtime, string owner, string superuser, Guid[] tenants, WebApplication enqueuer)
    {
        _runtime = runtime;
        _owner = owner;
        _superuser = superuser;
        _tenants = tenants;
        _enqueuer = enqueuer;
        _outcomes.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Name: "kernel.job.outcomes" } && instrument.Meter.Name == "Kernel")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _outcomes.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "kernel.job.outcome", Value: "succeeded" })
                {
                    Interlocked.Add(ref _succeeded, value);
                }
            }
        });
        _outcomes.Start();
    }

    public string Key => "kernel";

    public string Name => "kernel queue";

    public string Settings { get; } =
        $"kernel: default worker settings (concurrency {new KernelJobsOptions().Concurrency}, claims of up to {new KernelJobsOptions().BatchSize}, LISTEN/NOTIFY + {new KernelJobsOptions().PollInterval.TotalSeconds:0} s poll), each job in its tenant's restored context with its audit entry, {BulkChunk:N0}-job chunks for bulk enqueue";

    public static async Task<KernelBenchQueue> StartAsync(string runtime, string owner, string superuser, int tenants, CancellationToken cancellationToken)
    {
        var enqueuer = await StartAppAsync(runtime, owner, worker: false, cancellationToken); // Migrates the database.
        return new KernelBenchQueue(runtime, owner, superuser, Enumerable.Range(0, tenants).Select(_ => Guid.NewGuid()).ToArray(), enqueuer);
    }

    public async Task StartWorkersAsync(CancellationToken cancellationToken) =>
        _worker ??= await StartAppAsync(_runtime, _owner, worker: true, cancellationToken);

    public async Task StopWorkersAsync(CancellationToken cancellationToken)
    {
        if (_worker is { } worker)
        {
            _worker = null;
            await worker.StopAsync(cancellationToken);
            await worker.DisposeAsync();
        }
    }

    public async Task EnqueueAsync(long enqueuedAt, int index, CancellationToken cancellationToken)
    {
        await using var scope = _enqueuer.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync(
            NoopJob.Definition,
            new NoopPayload(enqueuedAt),
            new JobOptions { TenantId = _tenants[index % _tenants.Length] },
            cancellationToken);
    }

    public async Task EnqueueManyAsync(int count, CancellationToken cancellationToken)
    {
        await using var scope = _enqueuer.Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();
        for (var (done, chunk) = (0, 0); done < count; chunk++)
        {
            var size = Math.Min(BulkChunk, count - done);
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            await queue.EnqueueManyAsync(
                NoopJob.Definition,
                Enumerable.Repeat(new NoopPayload(now), size),
                new JobOptions { TenantId = _tenants[chunk % _tenants.Length] },
                cancellationToken);
            done += size;
        }
    }

    /// <summary>
    /// Counted from the kernel's own <c>kernel.job.outcomes</c> counter, which the worker records after the job's
    /// commit: exact, and no query competing with the workers for the database (a count over the jobs table every
    /// poll cost the database more than a tenth of its time).
    /// </summary>
    public Task<long> SucceededAsync(CancellationToken cancellationToken) => Task.FromResult(Interlocked.Read(ref _succeeded));

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await Superuser.ExecuteAsync(_superuser, "truncate kernel.jobs; truncate kernel.audit_log", cancellationToken);
        Interlocked.Exchange(ref _succeeded, 0);
    }

    public async ValueTask DisposeAsync()
    {
        _outcomes.Dispose();
        await StopWorkersAsync(CancellationToken.None);
        await _enqueuer.StopAsync();
        await _enqueuer.DisposeAsync();
    }

    private static async Task<WebApplication> StartAppAsync(string runtime, string owner, bool worker, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:Kernel"] = runtime;
        builder.Configuration["ConnectionStrings:KernelOwner"] = owner;
        builder.Configuration["Kernel:Auth:EnableDevHeaders"] = "true";
        builder.Configuration["Kernel:Jobs:WorkerEnabled"] = worker ? "true" : "false";
        builder.Configuration["Kernel:Jobs:SchedulerEnabled"] = "false";
        builder.Services.AddKernel(builder.Configuration).AddAddon<BenchAddon>();
        var app = builder.Build();
        app.MapKernel();
        await app.StartAsync(cancellationToken);
        return app;
    }
}
