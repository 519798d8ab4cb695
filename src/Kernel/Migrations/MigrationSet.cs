using System.Reflection;
using Kernel.Addons;

namespace Kernel.Migrations;

/// <summary>
/// Every addon's migrations, in addon dependency order then file name order. An addon's migrations are the embedded
/// resources of its assembly named <c>Migrations/&lt;addon name&gt;/*.sql</c>, and the assembly's top-level
/// <c>Migrations/*.sql</c> when it is the only addon of that assembly the app registers (the usual one-addon package).
/// Several addons of one assembly with top-level migrations is a start-up error rather than a guess: each addon would
/// otherwise apply the same files under its own name.
/// </summary>
internal sealed class MigrationSet(AddonRegistry registry)
{
    private IReadOnlyList<AddonMigration>? _all;

    public IReadOnlyList<AddonMigration> All => _all ??= Discover(registry.Ordered);

    private static List<AddonMigration> Discover(IReadOnlyList<IAddon> addons)
    {
        var shared = addons
            .GroupBy(addon => addon.GetType().Assembly)
            .Where(group => group.Count() > 1)
            .ToDictionary(group => group.Key, group => group.Select(addon => addon.Manifest.Name).ToList());
        foreach (var (assembly, names) in shared)
        {
            if (assembly.GetManifestResourceNames().Any(AddonMigration.IsTopLevel))
            {
                throw new InvalidOperationException(
                    $"Addons {string.Join(", ", names.Select(n => $"'{n}'"))} share the assembly {Name(assembly)}, whose migrations are not in per-addon folders. "
                    + $"Embed each addon's migrations as {AddonMigration.Prefix}<addon name>/<file>.sql (for example LogicalName=\"{AddonMigration.Prefix}{names[0]}/%(Filename)%(Extension)\"); "
                    + "the journal keys a migration by addon and file name, so moving applied files into their addon's folder is not drift.");
            }
        }

        return addons
            .SelectMany(addon => AddonMigration.FromAssembly(addon.Manifest.Name, addon.GetType().Assembly, includeTopLevel: !shared.ContainsKey(addon.GetType().Assembly)))
            .ToList();
    }

    private static string? Name(Assembly assembly) => assembly.GetName().Name;
}
