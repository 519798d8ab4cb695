using Jobs.TestHost;

namespace Kernel.Jobs.Tests;

public sealed class WorkerTests(JobsFixture fixture) : IClassFixture<JobsFixture>
{
    private readonly Guid _tenant = Guid.NewGuid();

    private IServiceProvider Services => fixture.Host.Services;

    [Fact]
    public async Task A_failing_job_is_retried_with_backoff_and_its_failed_attempts_leave_no_effect()
    {
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, FlakyJob.Definition, new FlakyPayload(SucceedOnAttempt: 3));

        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(15), "succeeded", "dead");

        Assert.Equal(("succeeded", 3), (job.State, job.Attempts));
        Assert.Contains("Flaky failure on attempt 2", job.LastError, StringComparison.Ordinal);
        // Each failed attempt's insert was rolled back; the successful one committed once.
        Assert.Equal(1L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from jobstest.effects where job_id = $1", id));
    }

    [Fact]
    public async Task A_job_failing_every_attempt_is_dead_after_max_attempts_with_its_last_error()
    {
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, FlakyJob.Definition, new FlakyPayload(SucceedOnAttempt: 99));

        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(15), "dead");

        Assert.Equal(3, job.Attempts);
        Assert.Equal("InvalidOperationException: Flaky failure on attempt 3.", job.LastError);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from jobstest.effects where job_id = $1", id));
    }

    [Fact]
    public async Task An_unknown_job_type_goes_straight_to_dead()
    {
        var id = Guid.NewGuid();
        await InsertRawAsync(id, "retired.job_type", "{}");

        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "dead");

        Assert.Equal(1, job.Attempts);
        Assert.Contains("Unknown job type 'retired.job_type'", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_that_does_not_deserialise_goes_straight_to_dead()
    {
        var id = Guid.NewGuid();
        await InsertRawAsync(id, "jobstest.flaky", "\"not an object\"");

        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "dead");

        Assert.Equal(1, job.Attempts);
        Assert.Contains("does not deserialise", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delayed_job_runs_no_earlier_than_its_run_at()
    {
        var runAt = DateTimeOffset.UtcNow.AddSeconds(5);
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(), new JobOptions { RunAt = runAt });

        // Still waiting while it is not due (a slow enqueue on a loaded machine may leave no time to look; the
        // applied_at check below holds either way).
        await Task.Delay(1000);
        var state = (await Owner.JobAsync(fixture.Database, id)).State;
        if (DateTimeOffset.UtcNow < runAt - TimeSpan.FromSeconds(0.5))
        {
            Assert.Equal("queued", state);
        }
        await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");

        var applied = await Owner.ScalarAsync<DateTime>(fixture.Database, "select applied_at from jobstest.effects where job_id = $1", id);
        Assert.True(applied >= runAt.UtcDateTime, $"Applied at {applied:O}, before run_at {runAt:O}.");
    }

    [Fact]
    public async Task An_expired_lease_of_a_crashed_worker_is_reclaimed_and_the_job_runs()
    {
        var id = Guid.NewGuid();
        await InsertRawAsync(id, "jobstest.effect", "{}", state: "running", lockedBy: "crashed-worker", attempts: 1);

        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");

        Assert.Equal(2, job.Attempts);
        Assert.Contains("crashed-worker", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_doubles_per_attempt_up_to_the_cap_and_jitters_into_the_upper_half()
    {
        var baseDelay = TimeSpan.FromSeconds(5);
        var cap = TimeSpan.FromMinutes(1);

        Assert.Equal(TimeSpan.FromSeconds(2.5), JobWorker.Backoff(1, baseDelay, cap, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(5), JobWorker.Backoff(1, baseDelay, cap, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(20), JobWorker.Backoff(3, baseDelay, cap, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(30), JobWorker.Backoff(10, baseDelay, cap, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(60), JobWorker.Backoff(500, baseDelay, cap, random: 1));
    }

    [Fact]
    public void Outage_backoff_doubles_per_failure_in_a_row_up_to_its_cap()
    {
        var first = TimeSpan.FromSeconds(2);
        var cap = TimeSpan.FromSeconds(30);

        Assert.Equal(
            [2, 4, 8, 16, 30, 30],
            new[] { 1, 2, 3, 4, 5, 1000 }.Select(n => Data.OutageBackoff.Delay(n, first, cap).TotalSeconds));
    }

    private Task InsertRawAsync(Guid id, string type, string payload, string state = "queued", string? lockedBy = null, int attempts = 0) =>
        Owner.ExecuteAsync(
            fixture.Database,
            """
            insert into kernel.jobs (id, type, tenant_id, actor_id, correlation_id, payload, run_at, state, attempts, max_attempts, locked_by, locked_until)
            values ($1, $2, $3, 'tester', 'corr', $4::jsonb, now(), $5, $6, 5, nullif($7, ''), case when $7 = '' then null else now() - interval '1 second' end)
            """,
            id,
            type,
            _tenant,
            payload,
            state,
            attempts,
            lockedBy ?? "");
}
