using Kernel;
using Microsoft.Extensions.Logging;

namespace Addons.Requests;

/// <summary>
/// <c>requests.reminder</c>: records a reminder on a request as the actor that asked (the request's caller, or
/// <c>system</c> for the sweep), with an audit entry on the request. Idempotent: the reminder's id is the job id.
/// </summary>
internal sealed partial class ReminderJob(RequestStore store, IKernelContextAccessor context, IAuditTarget audit, ILogger<ReminderJob> logger) : IJobHandler<ReminderPayload>
{
    public const string SystemActor = "system";

    public static readonly JobDefinition<ReminderPayload> Definition = JobDefinition.ForTenant<ReminderPayload, ReminderJob>("requests.reminder");

    public async Task HandleAsync(ReminderPayload payload, JobContext job, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(payload.RequestId, cancellationToken).ConfigureAwait(false) is null)
        {
            // Gone, or never this tenant's: nothing to remind about, and retrying will not change that.
            LogMissing(logger, payload.RequestId);
            return;
        }

        audit.Set("requests", payload.RequestId.ToString());
        var actor = context.Current.Actor?.Id ?? SystemActor;
        await store.AddReminderAsync(job.JobId, payload.RequestId, actor, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Request {RequestId} no longer exists; no reminder recorded")]
    private static partial void LogMissing(ILogger logger, Guid requestId);
}
