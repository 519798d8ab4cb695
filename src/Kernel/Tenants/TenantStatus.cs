namespace Kernel.Tenants;

/// <summary>The lifecycle states of a registered tenant (<c>kernel.tenants.status</c>).</summary>
internal static class TenantStatus
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Erasing = "erasing";
    public const string Erased = "erased";

    public static readonly IReadOnlyList<string> All = [Active, Suspended, Erasing, Erased];
}
