using Kernel;
using Microsoft.AspNetCore.Http;

namespace Addons.Requests;

/// <summary>
/// The reminders addon's routes under <c>/api/requests</c>: the same paths and names as when they were the Requests
/// addon's, so clients do not change. The kernel answers them <c>403 ADDON_NOT_ENABLED</c> for tenants without the addon.
/// </summary>
internal static class ReminderRoutes
{
    public static void Map(KernelRouteGroup requests)
    {
        requests.MapPost("/{id:guid}/remind", "requests.remind", RouteAccess.Permission(RequestPermissions.Remind), RemindAsync)
            .WithSummary("Ask for a reminder about a service request (runs as a job)")
            .Produces<RemindResponse>(StatusCodes.Status202Accepted);
        requests.MapGet("/{id:guid}/reminders", "requests.reminders", RouteAccess.Permission(RequestPermissions.Read), RemindersAsync)
            .WithSummary("List a service request's reminders");
    }

    /// <summary>
    /// Enqueues a reminder in this route's transaction (if the route fails, there is no job), within the tenant's
    /// settings: <see cref="ReminderSettings.MaxPerRequest"/> and <see cref="ReminderSettings.DailyLimit"/> count the
    /// reminders recorded so far. A reminder still queued is not counted yet; its job checks the first limit again.
    /// </summary>
    private static async Task<IResult> RemindAsync(
        Guid id,
        RequestStore requests,
        ReminderStore reminders,
        ITenantSettings<ReminderSettings> settings,
        IJobQueue jobs,
        CancellationToken cancellationToken)
    {
        _ = await requests.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Request");
        var limits = await settings.GetAsync(cancellationToken).ConfigureAwait(false);
        var (onRequest, askedToday) = await reminders.CountAsync(id, cancellationToken).ConfigureAwait(false);
        if (onRequest >= limits.MaxPerRequest)
        {
            throw KernelException.Conflict(
                $"The request has {onRequest} reminder(s); this tenant allows at most {limits.MaxPerRequest} per request (setting maxPerRequest).");
        }

        if (askedToday >= limits.DailyLimit)
        {
            throw KernelException.Conflict(
                $"This tenant's members asked for {askedToday} reminder(s) today; its plan allows {limits.DailyLimit} per day (UTC).");
        }

        var jobId = await jobs.EnqueueAsync(ReminderJob.Definition, new ReminderPayload(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return Results.Accepted(value: new RemindResponse(jobId));
    }

    private static async Task<IReadOnlyList<ReminderResponse>> RemindersAsync(Guid id, RequestStore requests, ReminderStore reminders, CancellationToken cancellationToken)
    {
        _ = await requests.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Request");
        var rows = await reminders.ListAsync(id, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => new ReminderResponse(r.Id, r.RequestId, r.RemindedBy, r.CreatedAt)).ToList();
    }
}
