namespace Kernel.Analyzers.Context;

/// <summary>Which input keys name a tenant or an actor.</summary>
internal static class TenantKeys
{
    private const string NameIdentifierClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
    private const string ObjectIdentifierClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";
    private const string TenantIdentifierClaim = "http://schemas.microsoft.com/identity/claims/tenantid";

    /// <summary>
    /// Whether <paramref name="key"/> names a tenant or actor: any key containing <c>tenant</c> or <c>actor</c>
    /// (<c>X-Tenant-Id</c>, <c>tenantId</c>, <c>actor_id</c>), and for claims also the subject and tenant claims
    /// identity providers use (<c>sub</c>, <c>tid</c>, <c>oid</c>, the name identifier).
    /// </summary>
    public static bool IsTenantOrActorKey(string key, bool claim)
    {
        if (key.IndexOf("tenant", StringComparison.OrdinalIgnoreCase) >= 0
            || key.IndexOf("actor", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        return claim && (key is "sub" or "tid" or "oid"
            || string.Equals(key, NameIdentifierClaim, StringComparison.Ordinal)
            || string.Equals(key, ObjectIdentifierClaim, StringComparison.Ordinal)
            || string.Equals(key, TenantIdentifierClaim, StringComparison.Ordinal));
    }
}
