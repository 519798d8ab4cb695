using Kernel.Jobs;

namespace Kernel.Addons;

/// <summary>The kernel's own addon: its schema, migrations, job types and job routes. Always first.</summary>
internal sealed class KernelAddon : IAddon
{
    public const string Name = "kernel";

    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "The kernel: context, routes, data, migrations, jobs.",
        Permissions = [new PermissionDefinition(JobPermissions.Manage, "List the tenant's jobs by state and retry dead ones.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>> { ["admin"] = [JobPermissions.Manage] },
        Jobs = [PingJob.Definition],
    };

    public void MapRoutes(KernelRouteGroup routes) => JobRoutes.Map(routes.MapGroup("/jobs"));
}
