using BenchmarkDotNet.Attributes;
using Kernel.Auth;
using Kernel.Benchmarks.Bench;
using Kernel.Benchmarks.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Benchmarks.Auth;

/// <summary>
/// <c>PermissionCatalog.IsGrantedAsync</c> as the route wrapper calls it, with the tenant's role overrides cached (the
/// kernel's LISTEN connection is up, so no check reads the database): a role the manifest grants the permission by
/// default, a role it does not, and a role a tenant override grants it.
/// </summary>
[MemoryDiagnoser]
public class PermissionBenchmarks
{
    private const string ViewerRole = "viewer";

    private static readonly Guid Tenant = Guid.Parse("0198c0de-0000-7000-8000-000000000001");
    private static readonly Guid OverridingTenant = Guid.Parse("0198c0de-0000-7000-8000-000000000002");

    private readonly KernelActor _member = BenchContexts.Actor("bench-member", BenchAddon.MemberRole);
    private readonly KernelActor _viewer = BenchContexts.Actor("bench-viewer", ViewerRole);

    private BenchDatabase _database = null!;
    private WebApplication _app = null!;
    private PermissionCatalog _catalog = null!;
    private AsyncServiceScope _scope;
    private AsyncServiceScope _overridingScope;
    private RoleGrantStore _store = null!;
    private RoleGrantStore _overridingStore = null!;

    /// <summary>
    /// Starts PostgreSQL and the kernel app, gives <c>viewer</c> the permission in one tenant (an override row), warms both
    /// tenants' cache entries, and checks each answer.
    /// </summary>
    /// <returns>A task that completes when the cache is warm.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.StartAsync();
        _app = await BenchApps.StartKernelAsync(_database);
        await _database.ExecuteAsSuperuserAsync(
            "insert into kernel.role_grants (tenant_id, role, permissions, updated_at, updated_by) values ($1, $2, $3, now(), 'bench')",
            OverridingTenant,
            ViewerRole,
            new[] { BenchAddon.ReadPermission });
        await BenchApps.WarmRoleGrantsAsync(_app, Tenant);
        await BenchApps.WarmRoleGrantsAsync(_app, OverridingTenant);

        _catalog = _app.Services.GetRequiredService<PermissionCatalog>();
        (_scope, _store) = StoreFor(Tenant);
        (_overridingScope, _overridingStore) = StoreFor(OverridingTenant);
        if (!await Granted_ByManifestDefault() || await Denied_NoRoleGrantsIt() || !await Granted_ByTenantOverride())
        {
            throw new InvalidOperationException("A permission check gave the wrong answer.");
        }
    }

    /// <summary>Stops the app and PostgreSQL.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _overridingScope.DisposeAsync();
        await _scope.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary><c>member</c> holds <c>bench.read</c> by the manifest's default grant.</summary>
    /// <returns>Whether it is granted (true).</returns>
    [Benchmark(Baseline = true)]
    public ValueTask<bool> Granted_ByManifestDefault() =>
        _catalog.IsGrantedAsync(_member, BenchAddon.ReadPermission, _store, CancellationToken.None);

    /// <summary><c>viewer</c> has no grant of <c>bench.read</c>.</summary>
    /// <returns>Whether it is granted (false).</returns>
    [Benchmark]
    public ValueTask<bool> Denied_NoRoleGrantsIt() =>
        _catalog.IsGrantedAsync(_viewer, BenchAddon.ReadPermission, _store, CancellationToken.None);

    /// <summary><c>viewer</c> holds <c>bench.read</c> through the tenant's override of the role.</summary>
    /// <returns>Whether it is granted (true).</returns>
    [Benchmark]
    public ValueTask<bool> Granted_ByTenantOverride() =>
        _catalog.IsGrantedAsync(_viewer, BenchAddon.ReadPermission, _overridingStore, CancellationToken.None);

    /// <summary>A request's scope with the tenant's context established, as the route wrapper has it when it checks.</summary>
    private (AsyncServiceScope, RoleGrantStore) StoreFor(Guid tenant)
    {
        var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<KernelContextAccessor>().Establish(BenchContexts.For(tenant, "bench-actor"), readOnly: true);
        return (scope, scope.ServiceProvider.GetRequiredService<RoleGrantStore>());
    }
}
