using System.Collections.Frozen;

namespace Kernel.Tenants;

/// <summary>
/// What resolution needs to know of a tenant: its id, slug, status, the identity provider's ids for it, its plan and
/// the optional addons on for it.
/// </summary>
internal sealed record TenantEntry(Guid Id, string Slug, string Status, IReadOnlyList<string> ExternalIds, string? Plan, FrozenSet<string> OptionalAddons)
{
    public bool IsActive => Status == TenantStatus.Active;

    /// <summary>Whether the optional addon <paramref name="addon"/> is on for the tenant (a hash lookup, no allocation).</summary>
    public bool HasAddon(string addon) => OptionalAddons.Contains(addon);
}
