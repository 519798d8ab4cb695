using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Data;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using LinqToDB.Data;
using Npgsql;

namespace Kernel.Tests.Data;

public sealed class UnitOfWorkPoolingTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task Disposing_a_finished_unit_twice_never_touches_the_next_unit_on_the_same_connector()
    {
        // One physical connection: the second unit reuses the connector (and Npgsql's transaction object) of the first.
        await using var dataSource = new KernelDataSource(NpgsqlDataSource.Create(SingleConnection()));
        var first = new UnitOfWork(dataSource, Accessor(Guid.NewGuid()));
        await (await first.GetDbAsync()).ExecuteAsync("select 1");
        await first.DisposeAsync();

        var tenant = Guid.NewGuid();
        await using var second = new UnitOfWork(dataSource, Accessor(tenant));
        var db = await second.GetDbAsync();
        await first.DisposeAsync(); // the container disposes once per registration (UnitOfWork and IUnitOfWork)

        Assert.Equal(tenant.ToString(), await db.ExecuteAsync<string>("select current_setting('app.tenant_id')"));
        await db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, 'survivor')", new DataParameter("id", Guid.NewGuid()));
        await second.CommitAsync(CancellationToken.None);
        var count = await fixture.Database.AsTenantAsync(tenant, "checker", d => d.ExecuteAsync<int>("select count(*)::int from widgets.widgets"));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Failing_and_succeeding_requests_sharing_one_connection_keep_their_outcomes()
    {
        await using var app = await TestHost.StartAsync(fixture.Database, runtimeConnectionString: SingleConnection());
        var tenant = Guid.NewGuid();
        using var client = app.ClientAs(tenant, "alice", "maker");

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => i % 2 == 0
            ? client.PostAsync("/api/widgets/reject", null)
            : client.PostAsJsonAsync("/api/widgets", new { name = $"w{i}" })));

        Assert.All(responses.Where((_, i) => i % 2 == 0), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.All(responses.Where((_, i) => i % 2 == 1), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var count = await client.GetFromJsonAsync<JsonObject>("/api/widgets");
        Assert.Equal(30, (int)count!["count"]!);
    }

    private string SingleConnection() =>
        new NpgsqlConnectionStringBuilder(fixture.Database.RuntimeConnectionString) { MaxPoolSize = 1 }.ConnectionString;

    private static KernelContextAccessor Accessor(Guid tenant)
    {
        var accessor = new KernelContextAccessor();
        accessor.Establish(new KernelContext(tenant, new KernelActor("tester", new HashSet<string>()), "corr", default(ActivityContext)));
        return accessor;
    }
}
