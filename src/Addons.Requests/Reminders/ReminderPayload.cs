namespace Addons.Requests;

/// <summary>The payload of <c>requests.reminder</c>: which request to remind about.</summary>
/// <param name="RequestId">The request id, in the job's tenant.</param>
internal sealed record ReminderPayload(Guid RequestId);
