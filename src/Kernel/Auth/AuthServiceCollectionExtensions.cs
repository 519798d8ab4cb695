using Kernel.Audit;
using Kernel.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kernel.Auth;

/// <summary>The kernel's identity (JWT bearer), role-override and audit services; called by <c>AddKernel</c>.</summary>
internal static class AuthServiceCollectionExtensions
{
    public static void AddKernelAuthAndAudit(this IServiceCollection services)
    {
        services.AddKernelJwt();
        services.TryAddSingleton<RoleGrantCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationSubscriber, RoleGrantCache>(sp => sp.GetRequiredService<RoleGrantCache>()));
        services.TryAddScoped<RoleGrantStore>();
        services.TryAddScoped<AuditTarget>();
        services.TryAddScoped<IAuditTarget>(sp => sp.GetRequiredService<AuditTarget>());
        services.TryAddScoped<AuditWriter>();
    }
}
