using Kernel.Data;

namespace Kernel.Jobs;

/// <summary><c>system.ping</c>, every minute: proves a worker claims and runs jobs, by writing the heartbeat readiness reads.</summary>
internal sealed class PingJob(UnitOfWork unitOfWork, WorkerIdentity identity) : IJobHandler<JobSlot>
{
    public static readonly JobDefinition<JobSlot> Definition = JobDefinition.Recurring<PingJob>("system.ping", "* * * * *") with { MaxAttempts = 1 };

    public async Task HandleAsync(JobSlot payload, JobContext job, CancellationToken cancellationToken)
    {
        await JobStore.BeatAsync(unitOfWork, identity.Id, cancellationToken).ConfigureAwait(false);
    }
}
