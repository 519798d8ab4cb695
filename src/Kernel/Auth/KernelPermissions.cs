namespace Kernel;

/// <summary>The permissions the kernel itself declares. Granted to the <c>admin</c> role by default.</summary>
public static class KernelPermissions
{
    /// <summary>Read and override the tenant's role grants (<c>GET /api/roles</c>, <c>PUT /api/roles/{role}/permissions</c>).</summary>
    public const string ManageRoles = "kernel.roles.manage";

    /// <summary>Read the tenant's audit log (<c>GET /api/audit</c>).</summary>
    public const string ReadAudit = "audit.read";

    /// <summary>Read and change the tenant's addon settings (<c>GET|PUT /api/settings/{addon}</c>).</summary>
    public const string ManageSettings = "kernel.settings.manage";

    /// <summary>The role the kernel grants its own permissions to by default.</summary>
    public const string AdminRole = "admin";
}
