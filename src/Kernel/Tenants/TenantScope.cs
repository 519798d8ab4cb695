using System.Diagnostics;
using Kernel.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Tenants;

/// <summary>
/// Runs work in a tenant's own context, one transaction, from outside it (a platform operator's route, host code): a
/// scope whose unit of work is under the tenant's row-level security, committed when the work returns.
/// </summary>
internal static class TenantScope
{
    public static async Task<T> RunAsync<T>(
        IServiceScopeFactory scopes, Guid tenant, string actorId, Func<IServiceProvider, UnitOfWork, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var correlation = Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
        scope.ServiceProvider.GetRequiredService<KernelContextAccessor>().Establish(
            new KernelContext(tenant, new KernelActor(actorId, new HashSet<string>(StringComparer.Ordinal)), correlation, Activity.Current?.Context ?? default));
        var unitOfWork = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var result = await work(scope.ServiceProvider, unitOfWork).ConfigureAwait(false);
        await unitOfWork.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}
