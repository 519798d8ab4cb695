namespace Kernel.Testing.Tests;

/// <summary>One cluster shared by the tests of a class; tests that stop or reconfigure a cluster start their own.</summary>
public sealed class SharedClusterFixture : IAsyncLifetime
{
    private LocalPostgresCluster? _cluster;

    public LocalPostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() => _cluster = await LocalPostgresCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
