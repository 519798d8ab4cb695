using Kernel.Audit;
using Kernel.Auth;
using Kernel.Jobs;
using Kernel.Tenants;

namespace Kernel.Hosting;

/// <summary>
/// The kernel's own addon: its schema, migrations, permissions and routes (roles, audit, jobs, tenants) and job types.
/// Always first. It composes the features' routes and jobs, so it sits with the composition root, not with the addon
/// declarations it implements.
/// </summary>
internal sealed class KernelAddon : IAddon
{
    public const string Name = "kernel";

    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "The kernel: context, routes, data, migrations, roles, audit and jobs.",
        Permissions =
        [
            new PermissionDefinition(KernelPermissions.ManageRoles, "Read and override the tenant's role grants."),
            new PermissionDefinition(KernelPermissions.ReadAudit, "Read the tenant's audit log."),
            new PermissionDefinition(JobPermissions.Manage, "List the tenant's jobs by state and retry dead ones."),
            new PermissionDefinition(KernelPermissions.ManageSettings, "Read and change the tenant's addon settings."),
        ],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>>
        {
            [KernelPermissions.AdminRole] = [KernelPermissions.ManageRoles, KernelPermissions.ReadAudit, JobPermissions.Manage, KernelPermissions.ManageSettings],
        },
        Jobs = [PingJob.Definition],
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        RoleRoutes.Map(routes.MapGroup("/roles"));
        AuditRoutes.Map(routes.MapGroup("/audit"));
        JobRoutes.Map(routes.MapGroup("/jobs"));
        TenantRoutes.Map(routes.MapGroup("/platform/tenants"));
        TenantRoutes.MapCurrent(routes.MapGroup("/tenant"));
        Tenants.Settings.SettingsRoutes.Map(routes.MapGroup("/settings"));
        Tenants.Lifecycle.TenantLifecycleRoutes.Map(routes.MapGroup("/platform/tenants"));
    }
}
