using Coravel.Scheduling.Schedule;
using Coravel.Scheduling.Schedule.Interfaces;
using Jobs.TestHost;
using Kernel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kernel.Jobs.Tests;

public sealed class ScaleOutTests : IAsyncLifetime
{
    private readonly SettableClock _clock = new();
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync(new JobsTestAddon());

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Two_instances_enqueue_one_job_per_scheduler_slot_and_never_run_a_job_twice_at_once()
    {
        await using var a = Instance("a");
        await using var b = Instance("b");
        var schedulerA = (Scheduler)a.Services.GetRequiredService<IScheduler>();
        var schedulerB = (Scheduler)b.Services.GetRequiredService<IScheduler>();
        var first = new DateTime(2031, 3, 4, 5, 6, 0, DateTimeKind.Utc);

        // Both instances' Coravel schedulers tick the same five minutes (a few seconds apart within each minute).
        for (var minute = 0; minute < 5; minute++)
        {
            var tick = first.AddMinutes(minute);
            _clock.Now = tick.AddSeconds(minute);
            await Task.WhenAll(schedulerA.RunAtAsync(tick), schedulerB.RunAtAsync(tick));
        }

        var perSlot = await Owner.ScalarAsync<string>(
            _database,
            "select string_agg(unique_key || '=' || n, ',' order by unique_key) from (select unique_key, count(*) n from kernel.jobs where type = 'jobstest.tick' group by unique_key) s");
        Assert.Equal(
            "slot:2031-03-04T05:06Z=1,slot:2031-03-04T05:07Z=1,slot:2031-03-04T05:08Z=1,slot:2031-03-04T05:09Z=1,slot:2031-03-04T05:10Z=1",
            perSlot);

        // Plenty of ordinary jobs for both workers to compete for.
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();
            for (var i = 0; i < 300; i++)
            {
                await queue.EnqueueAsync(ExecJob.Definition, new ExecPayload(DelayMs: 5));
            }
        }

        await WaitAsync(async () => await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.jobs where type in ('jobstest.tick', 'jobstest.exec') and state <> 'succeeded'") == 0);
        var ids = await Owner.ScalarAsync<Guid[]>(_database, "select array_agg(id) from kernel.jobs where type in ('jobstest.tick', 'jobstest.exec')");
        Assert.Equal(305, ids.Length);
        Assert.All(ids, id => Assert.Equal(1, ExecJob.Starts.GetValueOrDefault(id)));
        Assert.DoesNotContain(ExecJob.Overlaps, ids.Contains);
        Assert.Equal(305L, await Owner.ScalarAsync<long>(_database, "select count(*) from jobstest.executions"));
        Assert.Equal(2L, await Owner.ScalarAsync<long>(_database, "select count(distinct worker_id) from jobstest.executions"));
    }

    [Fact]
    public async Task On_shutdown_a_job_that_finishes_within_the_timeout_succeeds_and_one_that_does_not_goes_back_without_an_attempt()
    {
        var (host, slow) = await RunningSlowJobAsync("s");
        var quick = await Contexts.EnqueueAsAsync(host.Services, Guid.NewGuid(), EffectJob.Definition, new EffectPayload(DelayMs: 300));
        await Owner.WaitForAsync(_database, quick, TimeSpan.FromSeconds(10), "running", "succeeded");

        await host.DisposeAsync();

        Assert.Equal(("succeeded", 1), Pick(await Owner.JobAsync(_database, quick)));
        Assert.Equal(("queued", 0), Pick(await Owner.JobAsync(_database, slow)));
        Assert.Equal(0L, await Owner.ScalarAsync<long>(_database, "select count(*) from jobstest.effects where job_id = $1", slow));
    }

    [Fact]
    public async Task Two_stops_at_once_drain_once_and_a_dispose_after_the_first_returns_breaks_neither()
    {
        var (host, slow) = await RunningSlowJobAsync("t");
        var worker = host.Services.GetRequiredService<JobWorker>();

        // What WebApplication does when stopped from outside: its own Run stops the host too, and disposes the
        // container as soon as that stop returns, while the outer stop may still be draining.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var first = worker.StopAsync(timeout.Token);
        var second = worker.StopAsync(CancellationToken.None);
        await Task.WhenAny(first, second);
        worker.Dispose();
        await Task.WhenAll(first, second);

        Assert.Equal(("queued", 0), Pick(await Owner.JobAsync(_database, slow)));
        await host.DisposeAsync();
    }

    /// <summary>A started instance with a 3 s shutdown timeout, running a job that takes a minute.</summary>
    private async Task<(JobsHost Host, Guid Slow)> RunningSlowJobAsync(string name)
    {
        var host = Instance(name, shutdownTimeout: TimeSpan.FromSeconds(3));
        _ = host.Server;
        var slow = await Contexts.EnqueueAsAsync(host.Services, Guid.NewGuid(), EffectJob.Definition, new EffectPayload(DelayMs: 60_000));
        await Owner.WaitForAsync(_database, slow, TimeSpan.FromSeconds(10), "running");
        return (host, slow);
    }

    private static (string, int) Pick((string State, int Attempts, string? LastError) job) => (job.State, job.Attempts);

    private JobsHost Instance(string name, TimeSpan? shutdownTimeout = null) =>
        new(
            _database,
            new Dictionary<string, string?> { ["Kernel:Jobs:SchedulerEnabled"] = "true", ["Kernel:Jobs:Concurrency"] = "4" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_clock);

                // The test is the scheduler's only clock: Coravel's own host would also tick on real minutes (while
                // the settable clock may still read real time) and enqueue a slot the test never asked for.
                services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Coravel.Scheduling.HostedService.SchedulerHost"));
                services.AddSingleton(new HostTag(name));
                if (shutdownTimeout is { } timeout)
                {
                    services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
                }
            });

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the jobs to finish.");
            await Task.Delay(100);
        }
    }

    /// <summary>Wall-clock time, except for what the scheduler reads as "now" when a test sets it; timers stay real.</summary>
    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset? Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now ?? base.GetUtcNow();
    }
}
