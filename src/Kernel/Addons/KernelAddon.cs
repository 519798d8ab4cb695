using Kernel.Audit;
using Kernel.Auth;

namespace Kernel.Addons;

/// <summary>The kernel's own addon: its schema, migrations, permissions and routes (roles, audit). Always first.</summary>
internal sealed class KernelAddon : IAddon
{
    public const string Name = "kernel";

    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "The kernel: context, routes, data, migrations, roles and audit.",
        Permissions =
        [
            new PermissionDefinition(KernelPermissions.ManageRoles, "Read and override the tenant's role grants."),
            new PermissionDefinition(KernelPermissions.ReadAudit, "Read the tenant's audit log."),
        ],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>>
        {
            [KernelPermissions.AdminRole] = [KernelPermissions.ManageRoles, KernelPermissions.ReadAudit],
        },
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        RoleRoutes.Map(routes.MapGroup("/roles"));
        AuditRoutes.Map(routes.MapGroup("/audit"));
    }
}
