using Kernel.Audit;
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
        services.TryAddScoped<RoleGrantStore>();
        services.TryAddScoped<Kernel.Tenants.TenantStore>();
        services.TryAddScoped<AuditTarget>();
        services.TryAddScoped<IAuditTarget>(sp => sp.GetRequiredService<AuditTarget>());
        services.TryAddScoped<AuditWriter>();
    }
}
