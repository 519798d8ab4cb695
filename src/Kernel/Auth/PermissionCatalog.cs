using System.Collections.Frozen;

namespace Kernel.Auth;

/// <summary>
/// The permissions addons declare and the roles that grant them by default. A tenant may override a role's grants
/// (<c>kernel.role_grants</c>): an override replaces that role's defaults in that tenant, it does not add to them.
/// </summary>
internal sealed class PermissionCatalog
{
    private static readonly IReadOnlySet<string> NoPermissions = FrozenSet<string>.Empty;

    private readonly Dictionary<string, HashSet<string>> _grants = new(StringComparer.Ordinal);

    public PermissionCatalog(IEnumerable<IAddon> addons)
    {
        var declared = new Dictionary<string, PermissionDefinition>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var manifests = addons.Select(a => a.Manifest).ToList();
        foreach (var manifest in manifests)
        {
            foreach (var permission in manifest.Permissions)
            {
                if (!owners.TryAdd(permission.Name, manifest.Name))
                {
                    throw new AddonGraphException(
                        $"Permission '{permission.Name}' is declared by both '{owners[permission.Name]}' and '{manifest.Name}'.");
                }

                declared.Add(permission.Name, permission);
            }
        }

        foreach (var manifest in manifests)
        {
            foreach (var (role, permissions) in manifest.RoleGrants)
            {
                foreach (var permission in permissions)
                {
                    if (!declared.ContainsKey(permission))
                    {
                        throw new AddonGraphException(
                            $"Addon '{manifest.Name}' grants role '{role}' the undeclared permission '{permission}'. Declare it in a manifest's Permissions.");
                    }

                    if (!_grants.TryGetValue(role, out var set))
                    {
                        _grants[role] = set = new HashSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(permission);
                }
            }
        }

        Definitions = declared;
    }

    public IReadOnlyDictionary<string, PermissionDefinition> Definitions { get; }

    /// <summary>The roles the manifests grant something to.</summary>
    public IEnumerable<string> DefaultRoles => _grants.Keys;

    // Called per role on every permission check: a role with no defaults costs no allocation.
    public IReadOnlySet<string> DefaultsOf(string role) =>
        _grants.TryGetValue(role, out var set) ? set : NoPermissions;

    /// <summary>Whether any of the actor's roles grants <paramref name="permission"/> in the current tenant (its overrides read under RLS).</summary>
    public async ValueTask<bool> IsGrantedAsync(KernelActor actor, string permission, RoleGrantStore store, CancellationToken cancellationToken)
    {
        if (actor.Roles.Count == 0)
        {
            return false;
        }

        var overrides = await store.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
        return IsGranted(actor.Roles, permission, overrides);
    }

    public bool IsGranted(IEnumerable<string> roles, string permission, IReadOnlyDictionary<string, IReadOnlySet<string>> overrides) =>
        roles.Any(role => (overrides.TryGetValue(role, out var custom) ? custom : DefaultsOf(role)).Contains(permission));
}
