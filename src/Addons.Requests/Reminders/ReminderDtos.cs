namespace Addons.Requests;

/// <summary>The answer of <c>POST /api/requests/{id}/remind</c>: the reminder job to follow at <c>/api/jobs/{jobId}</c>.</summary>
internal sealed record RemindResponse(Guid JobId);

/// <summary>A reminder recorded on a request.</summary>
internal sealed record ReminderResponse(Guid Id, Guid RequestId, string RemindedBy, DateTimeOffset CreatedAt);
