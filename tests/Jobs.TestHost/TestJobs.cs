using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Kernel;
using LinqToDB.Data;

namespace Jobs.TestHost;

/// <summary>Names an in-process host, so tests running two hosts in one process can tell which ran a job.</summary>
public sealed record HostTag(string Name);

/// <summary>The payload of <c>jobstest.effect</c>.</summary>
public sealed record EffectPayload(int DelayMs = 0);

/// <summary>The payload of <c>jobstest.flaky</c>: fails every attempt before <see cref="SucceedOnAttempt"/>.</summary>
public sealed record FlakyPayload(int SucceedOnAttempt);

/// <summary>The payload of <c>jobstest.probe</c>.</summary>
public sealed record ProbePayload(string Note = "");

/// <summary>The payload of <c>jobstest.exec</c>.</summary>
public sealed record ExecPayload(int DelayMs = 0);

/// <summary><c>jobstest.effect</c> (tenant): inserts one effect row keyed by the job id — idempotent.</summary>
public sealed class EffectJob(IUnitOfWork unitOfWork) : IJobHandler<EffectPayload>
{
    public static readonly JobDefinition<EffectPayload> Definition = JobDefinition.ForTenant<EffectPayload, EffectJob>("jobstest.effect");

    public async Task HandleAsync(EffectPayload payload, JobContext job, CancellationToken cancellationToken)
    {
        if (payload.DelayMs > 0)
        {
            await Task.Delay(payload.DelayMs, cancellationToken);
        }

        var db = await unitOfWork.GetDbAsync(cancellationToken);
        await db.ExecuteAsync(
            "insert into jobstest.effects (job_id) values (@id) on conflict do nothing",
            cancellationToken,
            new DataParameter("id", job.JobId));
    }
}

/// <summary><c>jobstest.flaky</c> (tenant, 3 attempts): throws until its attempt number reaches the payload's.</summary>
public sealed class FlakyJob(IUnitOfWork unitOfWork) : IJobHandler<FlakyPayload>
{
    public static readonly JobDefinition<FlakyPayload> Definition = JobDefinition.ForTenant<FlakyPayload, FlakyJob>("jobstest.flaky") with { MaxAttempts = 3 };

    public async Task HandleAsync(FlakyPayload payload, JobContext job, CancellationToken cancellationToken)
    {
        // The effect is written first so a failure also proves the rollback.
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        await db.ExecuteAsync("insert into jobstest.effects (job_id) values (@id) on conflict do nothing", cancellationToken, new DataParameter("id", job.JobId));
        if (job.Attempt < payload.SucceedOnAttempt)
        {
            throw new InvalidOperationException($"Flaky failure on attempt {job.Attempt}.");
        }
    }
}

/// <summary><c>jobstest.probe</c> (tenant): records the context it runs in and how much of the database it can see.</summary>
public sealed class ProbeJob(IUnitOfWork unitOfWork, IKernelContextAccessor context) : IJobHandler<ProbePayload>
{
    public static readonly JobDefinition<ProbePayload> Definition = JobDefinition.ForTenant<ProbePayload, ProbeJob>("jobstest.probe");

    public async Task HandleAsync(ProbePayload payload, JobContext job, CancellationToken cancellationToken)
    {
        var current = context.Current;
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        await db.ExecuteAsync(
            """
            insert into jobstest.observations (job_id, context_tenant, actor_id, actor_roles, correlation_id, trace_id, visible_effects, visible_tenants)
            values (@id, @tenant, @actor, @roles, @correlation, @trace,
                    (select count(*) from jobstest.effects), (select count(distinct tenant_id) from jobstest.effects))
            """,
            cancellationToken,
            new DataParameter("id", job.JobId),
            new DataParameter("tenant", current.TenantId),
            new DataParameter("actor", current.Actor?.Id),
            new DataParameter("roles", current.Actor is null ? null : string.Join(',', current.Actor.Roles.Order(StringComparer.Ordinal))),
            new DataParameter("correlation", current.CorrelationId),
            new DataParameter("trace", current.Trace.TraceId.ToHexString()));
    }
}

/// <summary>
/// <c>jobstest.exec</c> (system): records its execution, and tracks in memory how many copies of each job run at
/// once in this process — the two-instance test hosts both instances in one process.
/// </summary>
public sealed class ExecJob(IUnitOfWork unitOfWork, TimeProvider time, IEnumerable<HostTag> tags) : IJobHandler<ExecPayload>
{
    public static readonly JobDefinition<ExecPayload> Definition = JobDefinition.ForSystem<ExecPayload, ExecJob>("jobstest.exec");

    public static ConcurrentDictionary<Guid, int> Running { get; } = new();

    public static ConcurrentDictionary<Guid, int> Starts { get; } = new();

    public static ConcurrentBag<Guid> Overlaps { get; } = [];

    public static Task RunAsync(IUnitOfWork unitOfWork, TimeProvider time, string host, Guid jobId, int delayMs, CancellationToken cancellationToken) =>
        TrackAsync(jobId, async () =>
        {
            var started = time.GetUtcNow();
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, cancellationToken);
            }

            var db = await unitOfWork.GetDbAsync(cancellationToken);
            await db.ExecuteAsync(
                "insert into jobstest.executions (job_id, worker_id, started_at) values (@id, @host, @started)",
                cancellationToken,
                new DataParameter("id", jobId),
                new DataParameter("host", host),
                new DataParameter("started", started));
        });

    public Task HandleAsync(ExecPayload payload, JobContext job, CancellationToken cancellationToken) =>
        RunAsync(unitOfWork, time, tags.FirstOrDefault()?.Name ?? "host", job.JobId, payload.DelayMs, cancellationToken);

    private static async Task TrackAsync(Guid jobId, Func<Task> work)
    {
        Starts.AddOrUpdate(jobId, 1, (_, n) => n + 1);
        if (Running.AddOrUpdate(jobId, 1, (_, n) => n + 1) > 1)
        {
            Overlaps.Add(jobId);
        }

        try
        {
            await work();
        }
        finally
        {
            Running.AddOrUpdate(jobId, 0, (_, n) => n - 1);
        }
    }
}

/// <summary><c>jobstest.tick</c>: a recurring system job every minute, recorded like <see cref="ExecJob"/>.</summary>
public sealed class TickJob(IUnitOfWork unitOfWork, TimeProvider time, IEnumerable<HostTag> tags) : IJobHandler<JobSlot>
{
    public static readonly JobDefinition<JobSlot> Definition = JobDefinition.Recurring<TickJob>("jobstest.tick", "* * * * *");

    public Task HandleAsync(JobSlot payload, JobContext job, CancellationToken cancellationToken) =>
        ExecJob.RunAsync(unitOfWork, time, tags.FirstOrDefault()?.Name ?? "host", job.JobId, 50, cancellationToken);
}

/// <summary><c>jobstest.loose</c> (tenant): takes any payload and does nothing; for enqueue validation.</summary>
[SuppressMessage("Kernel.Jobs", "KRN5002", Justification = "Deliberately untyped: the enqueue tests push unserialisable and oversized payloads through it.")]
public sealed class LooseJob : IJobHandler<object>
{
    public static readonly JobDefinition<object> Definition = JobDefinition.ForTenant<object, LooseJob>("jobstest.loose");

    public Task HandleAsync(object payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
}
