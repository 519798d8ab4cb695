using Kernel.Addons;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel;

/// <summary>Returned by <c>AddKernel</c>; adds addons to the application.</summary>
public sealed class KernelBuilder
{
    internal KernelBuilder(IServiceCollection services, IConfiguration configuration, AddonRegistry registry)
    {
        Services = services;
        Configuration = configuration;
        Registry = registry;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The application's configuration.</summary>
    public IConfiguration Configuration { get; }

    internal AddonRegistry Registry { get; }

    /// <summary>
    /// Adds an addon: registers its services now; its migrations and routes are applied in dependency order at
    /// start-up. Adding the same addon type twice is harmless.
    /// </summary>
    /// <typeparam name="TAddon">The addon type.</typeparam>
    /// <returns>This builder.</returns>
    public KernelBuilder AddAddon<TAddon>()
        where TAddon : class, IAddon, new()
    {
        if (Registry.Addons.Any(a => a.GetType() == typeof(TAddon)))
        {
            return this;
        }

        var addon = new TAddon();
        Registry.Add(addon);
        addon.ConfigureServices(Services, Configuration);
        return this;
    }
}
