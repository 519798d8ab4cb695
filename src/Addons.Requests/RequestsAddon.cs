using Kernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Addons.Requests;

/// <summary>
/// The Requests addon: service requests inside a tenant. Add it with <c>AddKernel(...).AddAddon&lt;RequestsAddon&gt;()</c>;
/// reminders on requests are the optional <see cref="RemindersAddon"/> of the same package.
/// </summary>
public sealed class RequestsAddon : IAddon
{
    /// <summary>The addon name.</summary>
    public const string Name = "requests";

    /// <inheritdoc />
    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "Service requests: create, list, update and move through open → in_progress → resolved, or cancelled.",
        Permissions =
        [
            new PermissionDefinition(RequestPermissions.Read, "Read the tenant's requests."),
            new PermissionDefinition(RequestPermissions.Create, "Create requests."),
            new PermissionDefinition(RequestPermissions.Update, "Edit requests."),
            new PermissionDefinition(RequestPermissions.Transition, "Move requests through their workflow."),
        ],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>>
        {
            ["member"] = [RequestPermissions.Read, RequestPermissions.Create],
            ["admin"] = [RequestPermissions.Read, RequestPermissions.Create, RequestPermissions.Update, RequestPermissions.Transition],
        },
    };

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.TryAddScoped<RequestStore>();

    /// <inheritdoc />
    public void MapRoutes(KernelRouteGroup routes) => RequestRoutes.Map(routes.MapGroup("/requests"));
}
