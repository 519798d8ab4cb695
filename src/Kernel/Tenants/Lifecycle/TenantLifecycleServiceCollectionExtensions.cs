using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kernel.Tenants.Lifecycle;

/// <summary>Export, import and erasure services; called by <c>AddKernel</c>.</summary>
internal static class TenantLifecycleServiceCollectionExtensions
{
    public static void AddKernelTenantLifecycle(this IServiceCollection services)
    {
        services.TryAddSingleton<TenantOwnerDataSource>();
        services.TryAddSingleton<TenantExporter>();
        services.TryAddSingleton<TenantImporter>();
        services.TryAddSingleton<TenantEraser>();
    }
}
