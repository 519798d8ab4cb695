using System.Diagnostics;
using Jobs.TestHost;
using Kernel.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs.Tests;

public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const int JobCount = 1000;

    private static readonly Dictionary<string, string> WorkerSettings = new()
    {
        ["Kernel:Jobs:LeaseDuration"] = "00:00:02",
        ["Kernel:Jobs:PollInterval"] = "00:00:00.200",
        ["Kernel:Jobs:Concurrency"] = "8",
        ["Kernel:Jobs:BatchSize"] = "8",
        ["Kernel:Jobs:SchedulerEnabled"] = "false",
    };

    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync(new JobsTestAddon());

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_worker_killed_mid_batch_loses_no_job_and_another_worker_applies_each_effect_once()
    {
        var tenant = Guid.NewGuid();
        await using (var enqueuer = new JobsHost(_database, new Dictionary<string, string?> { ["Kernel:Jobs:WorkerEnabled"] = "false" }))
        {
            await using var scope = Contexts.As(enqueuer.Services, tenant);
            var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();
            for (var i = 0; i < JobCount; i++)
            {
                await queue.EnqueueAsync(EffectJob.Definition, new EffectPayload(DelayMs: 20));
            }

            await scope.ServiceProvider.GetRequiredService<Kernel.Data.UnitOfWork>().CommitAsync(CancellationToken.None);
        }

        Guid[] runningAtKill;
        long doneAtKill;
        using (var first = WorkerProcess.Start(_database, WorkerSettings))
        {
            await WaitUntilAsync(async () => await CountAsync("succeeded") >= 150, TimeSpan.FromSeconds(30), () => first.Output);
            first.Kill();

            // The server may still be executing what the dead worker sent last (a completion and its COMMIT, a
            // claim): look only once its sessions are gone.
            var runtimeRole = new Npgsql.NpgsqlConnectionStringBuilder(_database.RuntimeConnectionString).Username!;
            await WaitUntilAsync(
                async () => await Owner.ScalarAsync<long>(_database, "select count(*) from pg_stat_activity where datname = current_database() and usename = $1", runtimeRole) == 0,
                TimeSpan.FromSeconds(30),
                () => "the killed worker's sessions did not end");
            runningAtKill = await Owner.ScalarAsync<Guid[]>(_database, "select coalesce(array_agg(id), '{}') from kernel.jobs where state = 'running'");
            doneAtKill = await CountAsync("succeeded");
        }

        Assert.True(runningAtKill.Length > 0, "The first worker held no job when it was killed; the test did not crash it mid-batch.");
        Assert.True(doneAtKill < JobCount, "The first worker finished everything before it was killed.");

        using var second = WorkerProcess.Start(_database, WorkerSettings);
        await WaitUntilAsync(async () => await CountAsync("succeeded") == JobCount, TimeSpan.FromSeconds(45), () => second.Output);

        Assert.Equal(JobCount, await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.jobs"));
        Assert.Equal(0L, await CountAsync("dead"));
        Assert.Equal(JobCount, await Owner.ScalarAsync<long>(_database, "select count(*) from jobstest.effects where tenant_id = $1", tenant));
        Assert.Equal(0L, await Owner.ScalarAsync<long>(
            _database, "select count(*) from kernel.jobs j where not exists (select 1 from jobstest.effects e where e.job_id = j.id)"));
        // The jobs the killed worker held were reclaimed after their leases expired: a second attempt each. (A worker
        // stalled past its 2 s lease on a loaded machine may have reclaimed a few of its own before, so: at least these.)
        Assert.Equal((long)runningAtKill.Length, await Owner.ScalarAsync<long>(
            _database, "select count(*) from kernel.jobs where id = any($1) and attempts = 2 and last_error like '%lease%'", runningAtKill));
    }

    [Fact]
    public async Task A_worker_process_sent_SIGTERM_finishes_a_job_within_the_shutdown_timeout_gives_back_one_that_is_not_and_exits_0()
    {
        var tenant = Guid.NewGuid();
        Guid quick, slow;
        await using (var enqueuer = new JobsHost(_database, new Dictionary<string, string?> { ["Kernel:Jobs:WorkerEnabled"] = "false" }))
        {
            quick = await Contexts.EnqueueAsAsync(enqueuer.Services, tenant, EffectJob.Definition, new EffectPayload(DelayMs: 200));
            slow = await Contexts.EnqueueAsAsync(enqueuer.Services, tenant, EffectJob.Definition, new EffectPayload(DelayMs: 12_000));
        }

        var settings = new Dictionary<string, string>(WorkerSettings) { ["shutdownTimeoutSeconds"] = "5", ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information" };
        using (var first = WorkerProcess.Start(_database, settings))
        {
            await Owner.WaitForAsync(_database, quick, TimeSpan.FromSeconds(30), "running", "succeeded");
            await Owner.WaitForAsync(_database, slow, TimeSpan.FromSeconds(30), "running");

            // The worker claims while the host is still starting; a SIGTERM before start-up completes is a cancelled
            // start, not a graceful stop. Signal once the host says it started, as an orchestrator's probe would.
            await WaitUntilAsync(() => Task.FromResult(first.Output.Contains("Application started", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), () => first.Output);

            var exitCode = await first.TerminateAsync(TimeSpan.FromMinutes(1));

            Assert.True(exitCode == 0, $"exit code {exitCode}:{Environment.NewLine}{first.Output}");
        }

        Assert.Equal(("succeeded", 1), Pick(await Owner.JobAsync(_database, quick))); // Finished within the shutdown timeout.
        Assert.Equal(("queued", 0), Pick(await Owner.JobAsync(_database, slow))); // Released, its attempt not used up.
        Assert.Equal(0L, await Owner.ScalarAsync<long>(_database, "select count(*) from jobstest.effects where job_id = $1", slow));

        using var second = WorkerProcess.Start(_database, WorkerSettings);
        Assert.Equal(("succeeded", 1), Pick(await Owner.WaitForAsync(_database, slow, TimeSpan.FromSeconds(60), "succeeded")));
        Assert.Equal(1L, await Owner.ScalarAsync<long>(_database, "select count(*) from jobstest.effects where job_id = $1", slow));
    }

    private static (string, int) Pick((string State, int Attempts, string? LastError) job) => (job.State, job.Attempts);

    private Task<long> CountAsync(string state) =>
        Owner.ScalarAsync<long>(_database, "select count(*) from kernel.jobs where state = $1", state);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout}. Worker output:{Environment.NewLine}{diagnostics()}");
            }

            await Task.Delay(100);
        }
    }
}
