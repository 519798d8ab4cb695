namespace Kernel.Auth;

/// <summary>The permissions addons declare and the roles that grant them by default.</summary>
internal sealed class PermissionCatalog
{
    private readonly Dictionary<string, HashSet<string>> _grants = new(StringComparer.Ordinal);

    public PermissionCatalog(IEnumerable<IAddon> addons)
    {
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        var manifests = addons.Select(a => a.Manifest).ToList();
        foreach (var manifest in manifests)
        {
            foreach (var permission in manifest.Permissions)
            {
                if (!declared.TryAdd(permission.Name, manifest.Name))
                {
                    throw new AddonGraphException(
                        $"Permission '{permission.Name}' is declared by both '{declared[permission.Name]}' and '{manifest.Name}'.");
                }
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

        Declared = declared.Keys.ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlySet<string> Declared { get; }

    public bool IsGranted(KernelActor actor, string permission) =>
        actor.Roles.Any(role => _grants.TryGetValue(role, out var set) && set.Contains(permission));
}
