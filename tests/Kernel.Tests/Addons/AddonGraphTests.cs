using Kernel.Addons;

namespace Kernel.Tests.Addons;

public sealed class AddonGraphTests
{
    [Fact]
    public void Orders_dependencies_before_dependents_whatever_the_registration_order()
    {
        var ordered = AddonGraph.Order([Addon("billing", "crm"), Addon("crm", "contacts"), Addon("contacts")]);

        Assert.Equal(["contacts", "crm", "billing"], ordered.Select(a => a.Manifest.Name));
    }

    [Fact]
    public void A_missing_dependency_is_an_error_naming_the_chain()
    {
        var error = Assert.Throws<AddonGraphException>(() => AddonGraph.Order([Addon("billing", "crm"), Addon("crm", "contacts")]));

        Assert.Contains("'crm' depends on 'contacts'", error.Message, StringComparison.Ordinal);
        Assert.Contains("billing -> crm -> contacts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_is_an_error_naming_the_cycle()
    {
        var error = Assert.Throws<AddonGraphException>(() => AddonGraph.Order([Addon("a", "b"), Addon("b", "c"), Addon("c", "a")]));

        Assert.Contains("a -> b -> c -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_addons_with_one_name_are_an_error()
    {
        var error = Assert.Throws<AddonGraphException>(() => AddonGraph.Order([Addon("crm"), new OtherAddon("crm")]));

        Assert.Contains("'crm' is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_granting_an_undeclared_permission_is_an_error()
    {
        var addon = new FakeAddon(new AddonManifest
        {
            Name = "crm",
            Version = "1",
            Summary = "CRM",
            RoleGrants = new Dictionary<string, IReadOnlyList<string>> { ["member"] = ["crm.raed"] },
        });

        var error = Assert.Throws<AddonGraphException>(() => new Kernel.Auth.PermissionCatalog([addon]));

        Assert.Contains("undeclared permission 'crm.raed'", error.Message, StringComparison.Ordinal);
    }

    private static FakeAddon Addon(string name, params string[] dependsOn) =>
        new(new AddonManifest { Name = name, Version = "1.0.0", Summary = name, DependsOn = dependsOn });

    private sealed class FakeAddon(AddonManifest manifest) : IAddon
    {
        public AddonManifest Manifest { get; } = manifest;
    }

    private sealed class OtherAddon(string name) : IAddon
    {
        public AddonManifest Manifest { get; } = new() { Name = name, Version = "2.0.0", Summary = name };
    }
}
