using Kernel;
using Microsoft.Extensions.Logging;

namespace Addons.Requests;

/// <summary>
/// <c>requests.reminder</c>: records a reminder on a request as the actor that asked (the request's caller, or
/// <c>system</c> for the sweep), with an audit entry on the request. Idempotent: the reminder's id is the job id. A
/// request that already has the tenant's <see cref="ReminderSettings.MaxPerRequest"/> reminders gets no more.
/// </summary>
internal sealed partial class ReminderJob(
    RequestStore requests,
    ReminderStore reminders,
    ITenantSettings<ReminderSettings> settings,
    IKernelContextAccessor context,
    IAuditTarget audit,
    ILogger<ReminderJob> logger) : IJobHandler<ReminderPayload>
{
    public const string SystemActor = "system";

    public static readonly JobDefinition<ReminderPayload> Definition = JobDefinition.ForTenant<ReminderPayload, ReminderJob>("requests.reminder");

    public async Task HandleAsync(ReminderPayload payload, JobContext job, CancellationToken cancellationToken)
    {
        if (await requests.FindAsync(payload.RequestId, cancellationToken).ConfigureAwait(false) is null)
        {
            // Gone, or never this tenant's: nothing to remind about, and retrying will not change that.
            LogMissing(logger, payload.RequestId);
            return;
        }

        var max = (await settings.GetAsync(cancellationToken).ConfigureAwait(false)).MaxPerRequest;
        var (onRequest, _) = await reminders.CountAsync(payload.RequestId, cancellationToken).ConfigureAwait(false);
        if (onRequest >= max)
        {
            // Several asked at once, or the sweep came after members: the limit holds, and retrying will not change that.
            LogAtLimit(logger, payload.RequestId, max);
            return;
        }

        audit.Set("requests", payload.RequestId.ToString());
        var actor = context.Current.Actor?.Id ?? SystemActor;
        await reminders.AddAsync(job.JobId, payload.RequestId, actor, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Request {RequestId} no longer exists; no reminder recorded")]
    private static partial void LogMissing(ILogger logger, Guid requestId);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Request {RequestId} already has {Max} reminder(s), the tenant's maximum; no reminder recorded")]
    private static partial void LogAtLimit(ILogger logger, Guid requestId, int max);
}
