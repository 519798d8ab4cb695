using Kernel.Addons;
using Kernel.Hosting;
using Kernel.Migrations;
using Kernel.Tests.TestAddons;

namespace Kernel.Tests.Migrations;

/// <summary>Which embedded migrations belong to which addon (the journal keys them by addon and file name).</summary>
public sealed class MigrationSetTests
{
    [Fact]
    public void The_only_addon_of_an_assembly_takes_its_top_level_migrations()
    {
        var registry = new AddonRegistry(new KernelAddon());
        registry.Add(new WidgetsAddon());

        var widgets = new MigrationSet(registry).All.Where(m => m.Addon == "widgets").Select(m => m.Name);

        Assert.Equal(["0001_widgets.sql"], widgets);
    }

    [Fact]
    public void Two_addons_sharing_an_assembly_with_top_level_migrations_are_refused_rather_than_both_applying_them()
    {
        var registry = new AddonRegistry(new KernelAddon());
        registry.Add(new WidgetsAddon());
        registry.Add(new GadgetsAddon());

        var error = Assert.Throws<InvalidOperationException>(() => new MigrationSet(registry).All);

        Assert.Contains("'widgets', 'gadgets' share the assembly Kernel.Tests", error.Message, StringComparison.Ordinal);
        Assert.Contains("Migrations/<addon name>/<file>.sql", error.Message, StringComparison.Ordinal);
    }

    private sealed class GadgetsAddon : IAddon
    {
        public AddonManifest Manifest { get; } = new() { Name = "gadgets", Version = "1", Summary = "gadgets", DependsOn = ["widgets"] };
    }
}
