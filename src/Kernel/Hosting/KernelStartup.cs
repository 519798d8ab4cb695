using Kernel.Addons;
using Kernel.Data;
using Kernel.Limits;
using Kernel.Migrations;
using Kernel.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kernel.Hosting;

/// <summary>
/// Runs before the server listens (<see cref="IHostedLifecycleService.StartingAsync"/>): refuses endpoints that
/// bypass the kernel, applies migrations, and refuses a runtime role that would bypass RLS and a schema whose
/// tenant rows could escape erasure.
/// </summary>
internal sealed class KernelStartup(IServiceProvider services, IOptions<KernelOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var routes = services.GetRequiredService<KernelState>().MappedOn
            ?? throw new InvalidOperationException("The kernel was added but never mapped: call app.MapKernel() before app.Run().");
        var endpoints = routes.DataSources.SelectMany(source => source.Endpoints).ToList();
        CheckEndpoints(endpoints);
        if (options.Value.RateLimiting.Enabled)
        {
            CheckRateLimitPolicies(endpoints, options.Value.RateLimiting);
        }

        // Plans, optional addons and settings declarations are checked as they are built: before the database is touched.
        var addons = services.GetRequiredService<Tenants.AddonCatalog>();
        _ = services.GetRequiredService<Tenants.Settings.SettingsCatalog>();

        var database = options.Value.Database;
        var dataSource = services.GetRequiredService<KernelDataSource>();
        var migrations = services.GetRequiredService<MigrationSet>().All;
        if (database.MigrateOnStartup)
        {
            await services.GetRequiredService<MigrationRunner>()
                .MigrateAsync(database.OwnerConnectionString!, dataSource.RuntimeRole, migrations, cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var pending = await MigrationRunner.PendingAsync(connection, migrations, cancellationToken).ConfigureAwait(false);
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{pending.Count} migration(s) are pending ({string.Join(", ", pending.Select(m => $"{m.Addon}/{m.Name}"))}). Run the host with the 'migrate' command, or set Kernel:Database:MigrateOnStartup.");
            }
        }

        await RuntimeRoleGuard.CheckAsync(dataSource.DataSource, cancellationToken).ConfigureAwait(false);

        // Erasure and export find a tenant's rows from the catalog: refuse a schema where some could escape them.
        await Tenants.Lifecycle.TenantTables.CheckErasableAsync(dataSource.DataSource, cancellationToken).ConfigureAwait(false);

        // Plans and optional addons as this configuration declares them (validated as the catalog is built), for the job claim.
        await addons.SyncAsync(dataSource.DataSource, cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void CheckRateLimitPolicies(IEnumerable<Endpoint> endpoints, KernelRateLimitingOptions rateLimiting)
    {
        var unknown = endpoints
            .Select(e => (Route: e.Metadata.GetMetadata<KernelRouteMetadata>(), Policy: e.Metadata.GetMetadata<KernelRateLimitMetadata>()?.Policy))
            .Where(e => e.Route is not null && e.Policy is not null && !rateLimiting.Policies.ContainsKey(e.Policy))
            .Select(e => $"{e.Route!.Name} names '{e.Policy}'")
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Routes name rate-limit policies that are not configured: {string.Join("; ", unknown)}. Configure them under Kernel:RateLimiting:Policies.");
        }
    }

    internal static void CheckEndpoints(IEnumerable<Endpoint> endpoints)
    {
        var bypassing = endpoints
            .Where(e => e.Metadata.GetMetadata<KernelRouteMetadata>() is null && e.Metadata.GetMetadata<OutsideKernelMetadata>() is null)
            .Select(e => e is RouteEndpoint route ? $"{route.DisplayName ?? route.RoutePattern.RawText}" : e.DisplayName ?? "(unnamed endpoint)")
            .ToList();
        if (bypassing.Count > 0)
        {
            throw new InvalidOperationException(
                $"These endpoints bypass the kernel (no auth decision, tenant context, unit of work or error envelope): {string.Join("; ", bypassing)}. " +
                "Map them through an addon's KernelRouteGroup, or mark them deliberately with .ExcludeFromKernel().");
        }
    }
}
