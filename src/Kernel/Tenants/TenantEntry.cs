namespace Kernel.Tenants;

/// <summary>What resolution needs to know of a tenant: its id, slug, status and the identity provider's ids for it.</summary>
internal sealed record TenantEntry(Guid Id, string Slug, string Status, IReadOnlyList<string> ExternalIds)
{
    public bool IsActive => Status == TenantStatus.Active;
}
