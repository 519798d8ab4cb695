using System.Net;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Npgsql;

namespace Kernel.Tests.Routing;

public sealed class DatabaseUnavailableTests
{
    [Fact]
    public async Task A_route_whose_database_is_down_is_a_503_envelope_and_the_process_stays_up()
    {
        // A cluster of its own, so stopping it does not disturb other tests.
        var cluster = await LocalPostgresCluster.StartAsync();
        var database = await KernelTestDatabase.CreateAsync(cluster, new WidgetsAddon());
        await using var app = await TestHost.StartAsync(database);
        using var client = app.ClientAs(Guid.NewGuid(), "alice", "maker");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/widgets")).StatusCode);

        await cluster.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        var response = await client.GetAsync("/api/widgets");

        await RouteWrapperTests.AssertEnvelopeAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ping")).StatusCode);
    }
}
