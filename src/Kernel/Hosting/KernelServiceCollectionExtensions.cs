using Kernel;
using Kernel.Addons;
using Kernel.Auth;
using Kernel.Data;
using Kernel.Hosting;
using Kernel.Jobs;
using Kernel.Limits;
using Kernel.Migrations;
using Kernel.Tenants;
using Kernel.Tenants.Lifecycle;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the kernel.</summary>
public static class KernelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the kernel: options (section <c>Kernel</c>, validated at start-up), the context, unit of work,
    /// migrations, identity and the start-up checks. Calling it twice returns the same builder.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The application's configuration.</param>
    /// <param name="configure">Optional code-side configuration, applied after the configuration section.</param>
    /// <returns>A builder to add addons with.</returns>
    public static KernelBuilder AddKernel(this IServiceCollection services, IConfiguration configuration, Action<KernelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(AddonRegistry))?.ImplementationInstance as AddonRegistry;
        if (registry is null)
        {
            registry = new AddonRegistry(new KernelAddon());
            services.AddSingleton(registry);
        }

        var optionsBuilder = services.AddOptions<KernelOptions>()
            .Bind(configuration.GetSection(KernelOptions.SectionName))
            .PostConfigure(options =>
            {
                options.Database.ConnectionString ??= configuration.GetConnectionString("Kernel");
                options.Database.OwnerConnectionString ??= configuration.GetConnectionString("KernelOwner");
            })
            .ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KernelOptions>, KernelOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KernelState>();
        services.TryAddSingleton<MigrationRunner>();
        services.TryAddSingleton<MigrationSet>();
        services.TryAddSingleton(sp => new PermissionCatalog(sp.GetRequiredService<AddonRegistry>().Ordered));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KernelOptions>>().Value;
            return KernelDataSource.Create(options.Database.ConnectionString, sp.GetRequiredService<IHostEnvironment>().ApplicationName, options.Database.Timeout);
        });

        services.TryAddSingleton(sp => new TenantCache(sp.GetRequiredService<IOptions<KernelOptions>>().Value.Tenancy.CacheSize));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationSubscriber, TenantCache>(sp => sp.GetRequiredService<TenantCache>()));
        services.TryAddSingleton<AddonCatalog>();
        services.TryAddSingleton<Kernel.Tenants.Settings.SettingsCatalog>();
        services.TryAddSingleton(sp => new Kernel.Tenants.Settings.TenantSettingsCache(sp.GetRequiredService<IOptions<KernelOptions>>().Value.Tenancy.CacheSize));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationSubscriber, Kernel.Tenants.Settings.TenantSettingsCache>(sp => sp.GetRequiredService<Kernel.Tenants.Settings.TenantSettingsCache>()));
        services.TryAddScoped<Kernel.Tenants.Settings.TenantSettingsStore>();
        services.TryAddScoped(typeof(ITenantSettings<>), typeof(Kernel.Tenants.Settings.TenantSettings<>));
        services.TryAddSingleton<AddonSwitcher>();
        services.TryAddSingleton<TenantLookup>();
        services.TryAddScoped<TenantStore>();
        services.TryAddSingleton<TenantResolver>();
        services.TryAddSingleton<ITenantRegistry, TenantProvisioner>();
        services.AddKernelTenantLifecycle();

        services.TryAddScoped<KernelContextAccessor>();
        services.TryAddScoped<IKernelContextAccessor>(sp => sp.GetRequiredService<KernelContextAccessor>());
        services.TryAddScoped<UnitOfWork>();
        services.TryAddScoped<IUnitOfWork>(sp => sp.GetRequiredService<UnitOfWork>());

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIdentitySource, DevHeaderIdentitySource>());
        services.AddKernelAuthAndAudit();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, KernelStartup>());
        if (!services.Any(d => d.ServiceType == typeof(KernelListener)))
        {
            services.AddSingleton<KernelListener>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<KernelListener>());
        }
        services.AddKernelJobs(configuration);
        services.AddKernelLimits();

        // Malformed JSON and wrong content types become exceptions the kernel maps to its envelope,
        // instead of the framework's silent 400/415.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return new KernelBuilder(services, configuration, registry);
    }
}
