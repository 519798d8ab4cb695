using Kernel.Addons;

namespace Kernel.Migrations;

/// <summary>Every addon's migrations, in addon dependency order then file name order.</summary>
internal sealed class MigrationSet(AddonRegistry registry)
{
    private IReadOnlyList<AddonMigration>? _all;

    public IReadOnlyList<AddonMigration> All => _all ??= registry.Ordered
        .SelectMany(addon => AddonMigration.FromAssembly(addon.Manifest.Name, addon.GetType().Assembly))
        .ToList();
}
