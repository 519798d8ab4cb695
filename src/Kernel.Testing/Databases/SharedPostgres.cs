namespace Kernel.Testing;

/// <summary>One private cluster per test process, started on first use and stopped when the process ends.</summary>
internal static class SharedPostgres
{
    private static readonly Lazy<Task<LocalPostgresCluster>> Cluster = new(
        () => LocalPostgresCluster.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<LocalPostgresCluster> GetAsync() => Cluster.Value;
}
