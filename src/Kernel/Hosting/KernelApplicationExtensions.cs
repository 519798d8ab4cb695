using Kernel;
using Kernel.Addons;
using Kernel.Data;
using Kernel.Hosting;
using Kernel.Migrations;
using Kernel.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the kernel into an application.</summary>
public static class KernelApplicationExtensions
{
    /// <summary>
    /// Adds the kernel's route wrapper to the pipeline and maps every addon's routes under the API prefix, in
    /// dependency order. Throws <see cref="AddonGraphException"/> for a missing, cyclic or duplicate addon, and
    /// <see cref="InvalidOperationException"/> for a route that requires an undeclared permission.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application.</returns>
    public static WebApplication MapKernel(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var state = app.Services.GetRequiredService<KernelState>();
        if (state.MappedOn is not null)
        {
            throw new InvalidOperationException("MapKernel() was called twice.");
        }

        var options = app.Services.GetRequiredService<IOptions<KernelOptions>>().Value;
        var addons = app.Services.GetRequiredService<AddonRegistry>().Ordered;
        var permissions = app.Services.GetRequiredService<Kernel.Auth.PermissionCatalog>();
        var registry = new RouteRegistry();

        app.UseMiddleware<KernelMiddleware>();
        if (options.RateLimiting.Enabled)
        {
            // After the route wrapper, inside it: the limiter partitions on the context the wrapper established.
            app.UseRateLimiter();
        }

        var api = app.MapGroup(options.ApiPrefix);
        foreach (var addon in addons)
        {
            addon.MapRoutes(new KernelRouteGroup(api, addon.Manifest.Name, addon.Manifest.Optional, registry, static route => route.AddEndpointFilter<UnitOfWorkFilter>()));
        }

        var undeclared = registry.Routes
            .Where(r => r.Access.Kind == RouteAccessKind.Permission && !permissions.Definitions.ContainsKey(r.Access.PermissionName!))
            .Select(r => $"{r.Name} requires '{r.Access.PermissionName}'")
            .ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"Routes require permissions no addon declares: {string.Join("; ", undeclared)}. Declare them in an addon manifest's Permissions.");
        }

        state.MappedOn = app;
        return app;
    }

    /// <summary>
    /// Runs the host until it is stopped, like <c>RunAsync</c>, except for a stop requested while it is still starting
    /// (SIGTERM or Ctrl+C while start-up waits for another instance's migrations, say; a cancelled migration rolls
    /// back). <c>RunAsync</c> lets that <see cref="OperationCanceledException"/> escape, which aborts the process
    /// (exit code 134); here it is the stop it is: whatever had started is stopped as on any shutdown (a worker hands
    /// back the jobs it claimed), and the run ends normally.
    /// </summary>
    /// <param name="host">The built host; disposed when the run ends.</param>
    /// <returns><see langword="true"/> when the host started and then stopped; <see langword="false"/> when it was stopped before it had started.</returns>
    public static async Task<bool> RunUntilStoppedAsync(this IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            try
            {
                await host.StartAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await host.StopAsync().ConfigureAwait(false);
                return false;
            }

            await host.WaitForShutdownAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                host.Dispose();
            }
        }
    }

    /// <summary>
    /// Applies pending migrations of the kernel and every addon as the owner role and returns how many ran —
    /// the one-shot <c>migrate</c> command for deploys. Does not start the server.
    /// </summary>
    /// <param name="host">The built host.</param>
    /// <param name="cancellationToken">Cancels the migration between files.</param>
    /// <returns>The number of migrations applied.</returns>
    public static Task<int> MigrateKernelDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var options = host.Services.GetRequiredService<IOptions<KernelOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.Database.OwnerConnectionString))
        {
            throw new InvalidOperationException("Migrating needs the owner role: set Kernel:Database:OwnerConnectionString (or ConnectionStrings:KernelOwner).");
        }

        return host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(
            options.Database.OwnerConnectionString,
            host.Services.GetRequiredService<KernelDataSource>().RuntimeRole,
            host.Services.GetRequiredService<MigrationSet>().All,
            cancellationToken);
    }
}
