using Kernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KernelAddon;

/// <summary>The kerneladdon addon: items, per tenant. Add it with <c>AddKernel(...).AddAddon&lt;KernelAddonAddon&gt;()</c>.</summary>
public sealed class KernelAddonAddon : IAddon
{
    /// <summary>The addon's name: its routes, permissions, jobs and database schema start with it.</summary>
    public const string Name = "kerneladdon";

    /// <summary>Read the tenant's items.</summary>
    public const string ReadPermission = Name + ".read";

    /// <summary>Create items.</summary>
    public const string WritePermission = Name + ".write";

    /// <inheritdoc />
    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "Items, per tenant.",
        Permissions =
        [
            new PermissionDefinition(ReadPermission, "Read the tenant's items."),
            new PermissionDefinition(WritePermission, "Create items."),
        ],
        // Defaults; a tenant can override them (PUT /api/roles/{role}/permissions).
        RoleGrants = new Dictionary<string, IReadOnlyList<string>>
        {
            ["member"] = [ReadPermission, WritePermission],
            ["admin"] = [ReadPermission, WritePermission],
        },
        // Per-tenant settings: handlers and jobs read them through ITenantSettings<KernelAddonSettings>.
        Settings = AddonSettings.Of<KernelAddonSettings>(),
        Jobs = [StampItemJob.Definition],
    };

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddScoped<ItemStore>();

    /// <inheritdoc />
    public void MapRoutes(KernelRouteGroup routes) => ItemRoutes.Map(routes.MapGroup("/" + Name + "/items"));
}
