using Kernel;
using Kernel.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The embedded default database for development and demos.</summary>
public static class LocalPostgresServiceCollectionExtensions
{
    /// <summary>
    /// When the app has no kernel connection string (<c>ConnectionStrings:Kernel</c> or
    /// <c>Kernel:Database:ConnectionString</c>), starts a private PostgreSQL cluster from the installed server
    /// binaries when the kernel's options are first read, points the kernel at it (owner and runtime roles), and
    /// stops it when the app's service provider is disposed. Data lives only as long as the process. With a
    /// connection string configured, does nothing.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddLocalPostgresWhenUnconfigured(this IServiceCollection services)
    {
        services.TryAddSingleton<LocalPostgresHolder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KernelOptions>, LocalPostgresOptionsSetup>());
        return services;
    }
}

/// <summary>Owns the embedded cluster for the app's lifetime.</summary>
internal sealed class LocalPostgresHolder : IAsyncDisposable
{
    private LocalPostgresCluster? _cluster;

    public LocalPostgresCluster GetOrStart()
    {
        // Options are configured synchronously; this blocks once, at start-up, for the few seconds initdb takes.
        return _cluster ??= LocalPostgresCluster.StartAsync().GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Fills the kernel's connection strings from the embedded cluster when none are configured.</summary>
internal sealed class LocalPostgresOptionsSetup(IConfiguration configuration, LocalPostgresHolder holder) : IPostConfigureOptions<KernelOptions>
{
    public void PostConfigure(string? name, KernelOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Database.ConnectionString) || !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Kernel")))
        {
            return;
        }

        var cluster = holder.GetOrStart();
        options.Database.ConnectionString = cluster.RuntimeConnectionString;
        options.Database.OwnerConnectionString ??= cluster.OwnerConnectionString;
    }
}
