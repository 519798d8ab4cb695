using System.Globalization;
using Kernel;

namespace Addons.Requests;

/// <summary>
/// <c>requests.reminder_sweep</c>, daily at 06:00 UTC: enqueues a <c>requests.reminder</c> for every overdue request
/// that is still open or in progress, in every tenant that has the reminders addon on (the others are passed over in
/// SQL: <c>kernel.addon_enabled</c>, so their requests neither fail the enqueue nor use up the batch), at most one per
/// request per day (unique key per request and day). The reminders join this job's unit of work: they exist only if
/// the sweep completes.
/// </summary>
internal sealed class ReminderSweepJob(ReminderStore store, IJobQueue queue) : IJobHandler<JobSlot>
{
    public const int BatchLimit = 10_000;

    public static readonly JobDefinition<JobSlot> Definition = JobDefinition.Recurring<ReminderSweepJob>("requests.reminder_sweep", "0 6 * * *");

    public async Task HandleAsync(JobSlot payload, JobContext job, CancellationToken cancellationToken)
    {
        var day = payload.Slot.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (tenantId, requestId) in await store.OverdueAsync(payload.Slot, BatchLimit, cancellationToken).ConfigureAwait(false))
        {
            await queue.EnqueueAsync(
                ReminderJob.Definition,
                new ReminderPayload(requestId),
                new JobOptions { TenantId = tenantId, UniqueKey = $"reminder:{requestId}:{day}" },
                cancellationToken).ConfigureAwait(false);
        }
    }
}
