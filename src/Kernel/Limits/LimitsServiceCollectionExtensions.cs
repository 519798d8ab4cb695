using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kernel.Limits;

/// <summary>Rate limiting and request limits; called by <c>AddKernel</c>.</summary>
internal static class LimitsServiceCollectionExtensions
{
    public static void AddKernelLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.TryAddSingleton<KernelRateLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RateLimiterOptions>, RateLimiterSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JsonOptions>, RequestLimitsSetup>());
    }
}
