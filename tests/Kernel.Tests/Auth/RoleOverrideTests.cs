using System.Diagnostics;
using Kernel.Auth;
using Kernel.Data;
using Kernel.Hosting;
using Kernel.Testing;
using Npgsql;

namespace Kernel.Tests.Auth;

/// <summary>Per-tenant role overrides replace the manifest defaults of that role, in that tenant only.</summary>
public sealed class RoleOverrideTests : IAsyncLifetime
{
    private static readonly PermissionCatalog Catalog = new([new KernelAddon()]);
    private KernelTestDatabase _database = null!;
    private NpgsqlDataSource _runtime = null!;

    public async Task InitializeAsync()
    {
        _database = await KernelTestDatabase.CreateAsync();
        _runtime = NpgsqlDataSource.Create(_database.RuntimeConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _runtime.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Without_overrides_the_manifest_defaults_apply()
    {
        Assert.True(await IsGrantedAsync(Guid.NewGuid(), "admin", KernelPermissions.ReadAudit));
        Assert.False(await IsGrantedAsync(Guid.NewGuid(), "member", KernelPermissions.ReadAudit));
    }

    [Fact]
    public async Task An_override_replaces_the_defaults_in_its_tenant_only()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        await InUnitAsync(tenantA, (store, _) => store.SetAsync("admin", [KernelPermissions.ManageRoles], CancellationToken.None));
        await InUnitAsync(tenantA, (store, _) => store.SetAsync("member", [KernelPermissions.ReadAudit], CancellationToken.None));

        Assert.False(await IsGrantedAsync(tenantA, "admin", KernelPermissions.ReadAudit));
        Assert.True(await IsGrantedAsync(tenantA, "admin", KernelPermissions.ManageRoles));
        Assert.True(await IsGrantedAsync(tenantA, "member", KernelPermissions.ReadAudit));
        Assert.True(await IsGrantedAsync(tenantB, "admin", KernelPermissions.ReadAudit));
        Assert.False(await IsGrantedAsync(tenantB, "member", KernelPermissions.ReadAudit));
        Assert.Empty(await InUnitAsync(tenantB, (store, _) => store.ListAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task Resetting_an_override_restores_the_defaults()
    {
        var tenant = Guid.NewGuid();
        await InUnitAsync(tenant, (store, _) => store.SetAsync("admin", [], CancellationToken.None));
        Assert.False(await IsGrantedAsync(tenant, "admin", KernelPermissions.ReadAudit));

        await InUnitAsync(tenant, (store, _) => store.ResetAsync("admin", CancellationToken.None));

        Assert.True(await IsGrantedAsync(tenant, "admin", KernelPermissions.ReadAudit));
    }

    private Task<bool> IsGrantedAsync(Guid tenant, string role, string permission) =>
        InUnitAsync(tenant, (store, actor) => Catalog.IsGrantedAsync(actor, permission, store, CancellationToken.None).AsTask(), role);

    private async Task<T> InUnitAsync<T>(Guid tenant, Func<RoleGrantStore, KernelActor, Task<T>> work, string role = "admin")
    {
        var actor = new KernelActor("tester", new HashSet<string>([role], StringComparer.Ordinal));
        var accessor = new KernelContextAccessor();
        accessor.Establish(new KernelContext(tenant, actor, "corr", Activity.Current?.Context ?? default));
        await using var unit = new UnitOfWork(new KernelDataSource(_runtime), accessor);
        var result = await work(new RoleGrantStore(unit, accessor, new RoleGrantCache(), TimeProvider.System), actor);
        await unit.CommitAsync(CancellationToken.None);
        return result;
    }

    private Task InUnitAsync(Guid tenant, Func<RoleGrantStore, KernelActor, Task> work) =>
        InUnitAsync(tenant, async (store, actor) =>
        {
            await work(store, actor);
            return true;
        });
}
