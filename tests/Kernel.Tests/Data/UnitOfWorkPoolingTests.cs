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
        await using var dataSource = KernelDataSource.Create(SingleConnection(), "pooling-test");
        var first = new UnitOfWork(dataSource, TestContexts.Accessor(Guid.NewGuid()));
        await (await first.GetDbAsync()).ExecuteAsync("select 1");
        await first.DisposeAsync();

        var tenant = Guid.NewGuid();
        await using var second = new UnitOfWork(dataSource, TestContexts.Accessor(tenant));
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

    [Fact]
    public async Task Nothing_a_unit_sets_outlives_it_on_the_pooled_connection()
    {
        // The kernel's data source skips Npgsql's DISCARD ALL on return to the pool: this pins that nothing needs it.
        await using var dataSource = KernelDataSource.Create(SingleConnection(), "pooling-test");
        var tenantA = Guid.NewGuid();
        await using (var writer = new UnitOfWork(dataSource, TestContexts.Accessor(tenantA)))
        {
            await (await writer.GetDbAsync()).ExecuteAsync("insert into widgets.widgets (id, name) values (@id, 'a')", new DataParameter("id", Guid.NewGuid()));
            await writer.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(("", "", "off"), await SessionStateAsync(dataSource));

        await using (var reader = new UnitOfWork(dataSource, TestContexts.Accessor(Guid.NewGuid())) { ReadOnly = true })
        {
            Assert.Equal(0, await (await reader.GetDbAsync()).ExecuteAsync<int>("select count(*)::int from widgets.widgets"));
        }

        Assert.Equal(("", "", "off"), await SessionStateAsync(dataSource));
    }

    [Fact]
    public async Task A_session_level_tenant_left_behind_by_handler_code_cannot_reach_the_next_unit()
    {
        await using var dataSource = KernelDataSource.Create(SingleConnection(), "pooling-test");
        var tenantA = Guid.NewGuid();
        await using (var rogue = new UnitOfWork(dataSource, TestContexts.Accessor(tenantA)))
        {
            var db = await rogue.GetDbAsync();
            await db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, 'a')", new DataParameter("id", Guid.NewGuid()));
            await db.ExecuteAsync<string>("select set_config('app.tenant_id', @t, false)", new DataParameter("t", tenantA.ToString()));
            await rogue.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(tenantA.ToString(), (await SessionStateAsync(dataSource)).Tenant); // It did leak into the session...
        foreach (var readOnly in new[] { true, false })
        {
            await using var next = new UnitOfWork(dataSource, TestContexts.Accessor(null)) { ReadOnly = readOnly };
            var db = await next.GetDbAsync();

            // ...but every unit sets its own tenant (here: none) in front of its statements, so it sees nothing.
            Assert.Equal(0, await db.ExecuteAsync<int>("select count(*)::int from widgets.widgets"));
            Assert.Equal(0, await db.ExecuteAsync<int>("select count(*)::int from widgets.widgets"));
        }
    }

    [Fact]
    public async Task A_read_only_unit_gives_every_statement_its_context_and_refuses_writes()
    {
        await using var dataSource = KernelDataSource.Create(SingleConnection(), "pooling-test");
        var tenant = Guid.NewGuid();
        await using var unit = new UnitOfWork(dataSource, TestContexts.Accessor(tenant)) { ReadOnly = true };
        var db = await unit.GetDbAsync();

        Assert.Equal(tenant.ToString(), await db.ExecuteAsync<string>("select current_setting('app.tenant_id')"));
        Assert.Equal(tenant.ToString(), await db.ExecuteAsync<string>("select current_setting('app.tenant_id')"));
        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, 'no')", new DataParameter("id", Guid.NewGuid())));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        Assert.Equal(1, await db.ExecuteAsync<int>("select 1")); // The refusal ended with its statement.
    }

    /// <summary>What a plain use of the pooled connection sees, outside any unit of work.</summary>
    private static async Task<(string Tenant, string Actor, string ReadOnly)> SessionStateAsync(KernelDataSource dataSource)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "select coalesce(current_setting('app.tenant_id', true), ''), coalesce(current_setting('app.actor_id', true), ''), current_setting('transaction_read_only')",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    private string SingleConnection() =>
        new NpgsqlConnectionStringBuilder(fixture.Database.RuntimeConnectionString) { MaxPoolSize = 1 }.ConnectionString;
}
