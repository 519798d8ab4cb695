namespace Kernel;

/// <summary>The permissions the kernel declares for its job routes.</summary>
public static class JobPermissions
{
    /// <summary>List the tenant's jobs by state (e.g. dead ones) and retry dead jobs.</summary>
    public const string Manage = "jobs.manage";
}
