using Kernel.Testing;
using Kernel.Tests.TestAddons;
using LinqToDB;
using LinqToDB.Data;
using Npgsql;

namespace Kernel.Tests.Data;

public sealed class RowLevelSecurityTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    private KernelTestDatabase Database => fixture.Database;

    [Fact]
    public async Task A_tenant_sees_only_its_own_rows()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await InsertAsync(a, "a-1");
        await InsertAsync(a, "a-2");
        await InsertAsync(b, "b-1");

        var seenByA = await Database.AsTenantAsync(a, "alice", db => NamesAsync(db));
        var seenByB = await Database.AsTenantAsync(b, "bob", db => NamesAsync(db));

        Assert.Equal(["a-1", "a-2"], seenByA);
        Assert.Equal(["b-1"], seenByB);
    }

    [Fact]
    public async Task Without_a_tenant_no_row_is_visible()
    {
        await InsertAsync(Guid.NewGuid(), "someone's");

        var seen = await Database.AsTenantAsync(null, "nobody", db => NamesAsync(db));

        Assert.Empty(seen);
    }

    [Fact]
    public async Task Writing_a_row_for_another_tenant_is_refused()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        var error = await Assert.ThrowsAsync<PostgresException>(() => Database.AsTenantAsync(a, "alice", db =>
            db.ExecuteAsync("insert into widgets.widgets (tenant_id, id, name) values (@t, @id, 'smuggled')",
                new DataParameter("t", b), new DataParameter("id", Guid.NewGuid()))));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState); // new row violates row-level security policy
    }

    [Fact]
    public async Task The_tenant_setting_ends_with_the_transaction_and_does_not_leak_through_the_pool()
    {
        var tenant = Guid.NewGuid();
        await Database.AsTenantAsync(tenant, "alice", db => db.ExecuteAsync<string>("select current_setting('app.tenant_id')"));

        // Same connection string, same pool, max one connection: the physical connection is reused.
        var pooled = new NpgsqlConnectionStringBuilder(Database.RuntimeConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(pooled);
        for (var i = 0; i < 2; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("select coalesce(current_setting('app.tenant_id', true), '')", connection);
            if (i == 0)
            {
                await using var set = new NpgsqlCommand($"begin; select set_config('app.tenant_id', '{tenant}', true); commit;", connection);
                await set.ExecuteNonQueryAsync();
            }

            Assert.Equal("", await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_runtime_role_cannot_switch_row_level_security_off()
    {
        await using var connection = new NpgsqlConnection(Database.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("alter table widgets.widgets disable row level security", connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private Task InsertAsync(Guid tenant, string name) =>
        Database.AsTenantAsync(tenant, "seeder", db =>
            db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, @name)",
                new DataParameter("id", Guid.NewGuid()), new DataParameter("name", name)));

    private static async Task<List<string>> NamesAsync(DataConnection db) =>
        (await db.QueryToListAsync<string>("select name from widgets.widgets order by name")).ToList();
}
