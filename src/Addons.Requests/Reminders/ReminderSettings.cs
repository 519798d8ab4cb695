using System.ComponentModel.DataAnnotations;
using Kernel;

namespace Addons.Requests;

/// <summary>
/// The reminders addon's settings per tenant (<c>GET</c>/<c>PUT /api/settings/requests-reminders</c>, camel-case
/// members): the defaults below, overridden by the tenant's plan (<c>Kernel:Tenancy:Plans:{plan}:Settings:requests-reminders</c>),
/// overridden by the tenant's admins except where marked plan-only.
/// </summary>
public sealed class ReminderSettings
{
    /// <summary>
    /// The most reminders a request collects, whoever asks (members or the daily sweep); asking for one more is
    /// <c>409 CONFLICT</c>. From 1 to 100. The default value is 3.
    /// </summary>
    [Range(1, 100)]
    public int MaxPerRequest { get; set; } = 3;

    /// <summary>
    /// The most reminders the tenant's members may ask for per UTC day, over all its requests (the daily sweep's do not
    /// count); asking for one more is <c>409 CONFLICT</c>. Set by the plan only. From 1 to 100,000. The default value is 20.
    /// </summary>
    [PlanOnly]
    [Range(1, 100_000)]
    public int DailyLimit { get; set; } = 20;
}
