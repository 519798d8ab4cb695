using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs.Tests;

/// <summary>Scopes that act as a tenant and actor (as a route would) or as system work (no context).</summary>
public static class Contexts
{
    public static AsyncServiceScope As(IServiceProvider services, Guid? tenantId, string? actorId = "tester", params string[] roles)
    {
        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<KernelContextAccessor>().Establish(new KernelContext(
            tenantId,
            actorId is null ? null : new KernelActor(actorId, roles.ToHashSet(StringComparer.Ordinal)),
            Guid.NewGuid().ToString("N"),
            Activity.Current?.Context ?? default));
        return scope;
    }

    /// <summary>Enqueues in a unit of work as <paramref name="tenantId"/> and commits it, like a route.</summary>
    public static async Task<Guid> EnqueueAsAsync<TPayload>(IServiceProvider services, Guid tenantId, JobDefinition<TPayload> job, TPayload payload, JobOptions? options = null)
    {
        await using var scope = As(services, tenantId);
        var id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync(job, payload, options);
        await scope.ServiceProvider.GetRequiredService<Kernel.Data.UnitOfWork>().CommitAsync(CancellationToken.None);
        return id;
    }
}
