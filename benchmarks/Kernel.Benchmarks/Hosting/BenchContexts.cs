namespace Kernel.Benchmarks.Hosting;

/// <summary>Kernel contexts as the route wrapper builds them from an identity: a tenant and an actor with roles.</summary>
internal static class BenchContexts
{
    public static KernelContext For(Guid tenant, string actor, params string[] roles) =>
        new(tenant, Actor(actor, roles), Guid.NewGuid().ToString("N"), default);

    public static KernelActor Actor(string id, params string[] roles) =>
        new(id, roles.ToHashSet(StringComparer.Ordinal));
}
