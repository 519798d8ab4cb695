using Addons.Requests;
using Kernel.Addons;
using Kernel.Hosting;
using Kernel.Migrations;

namespace WebHost.Tests;

/// <summary>
/// The Requests package holds two addons, each with its own migrations folder (<c>Migrations/requests/</c>,
/// <c>Migrations/requests-reminders/</c>). The requests addon's files keep the journal names they were applied under
/// when they were the assembly's top-level migrations, so an existing database sees no drift and re-runs nothing.
/// </summary>
public sealed class MigrationLayoutTests
{
    [Fact]
    public void Each_addon_of_the_requests_package_has_its_own_migrations_under_the_names_already_journaled()
    {
        var registry = new AddonRegistry(new KernelAddon());
        registry.Add(new RemindersAddon());
        registry.Add(new RequestsAddon());

        var migrations = new MigrationSet(registry).All.Where(m => m.Addon != "kernel").Select(m => $"{m.Addon}/{m.Name}");

        Assert.Equal(
            ["requests/0001_create_requests.sql", "requests/0002_reminders.sql", "requests-reminders/0001_sweep_enabled_tenants.sql"],
            migrations);
    }

    [Fact]
    public void The_requests_addon_alone_still_finds_its_migrations()
    {
        var registry = new AddonRegistry(new KernelAddon());
        registry.Add(new RequestsAddon());

        Assert.Equal(2, new MigrationSet(registry).All.Count(m => m.Addon == RequestsAddon.Name));
    }
}
