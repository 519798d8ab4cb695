using Kernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Addons.Requests;

/// <summary>
/// Reminders on service requests, an optional addon: on only for the tenants whose plan lists it (or for which an
/// operator switched it on). Elsewhere its routes answer <c>403 ADDON_NOT_ENABLED</c> and the daily sweep passes the
/// tenant over. Add it next to <see cref="RequestsAddon"/>:
/// <c>AddKernel(...).AddAddon&lt;RequestsAddon&gt;().AddAddon&lt;RemindersAddon&gt;()</c>.
/// </summary>
public sealed class RemindersAddon : IAddon
{
    /// <summary>The addon name, as plans and the operator routes name it.</summary>
    public const string Name = "requests-reminders";

    /// <inheritdoc />
    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "Reminders on service requests: ask for one, list them, and a daily sweep of overdue requests. Optional, per tenant.",
        DependsOn = [RequestsAddon.Name],
        Optional = true,
        Settings = AddonSettings.Of<ReminderSettings>(),
        Permissions = [new PermissionDefinition(RequestPermissions.Remind, "Ask for a reminder on a request.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>>
        {
            ["member"] = [RequestPermissions.Remind],
            ["admin"] = [RequestPermissions.Remind],
        },
        Jobs = [ReminderJob.Definition, ReminderSweepJob.Definition],
    };

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.TryAddScoped<ReminderStore>();

    /// <inheritdoc />
    public void MapRoutes(KernelRouteGroup routes) => ReminderRoutes.Map(routes.MapGroup("/requests"));
}
