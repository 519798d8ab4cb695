using Npgsql;

namespace Kernel.Testing.Tests;

public sealed class LocalPostgresClusterTests(SharedClusterFixture fixture) : IClassFixture<SharedClusterFixture>
{
    private LocalPostgresCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Starts_a_cluster_where_the_runtime_role_cannot_bypass_rls()
    {
        await using var connection = new NpgsqlConnection(Cluster.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select current_user, current_database(), rolsuper, rolbypassrls, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal("kernel_app", reader.GetString(0));
        Assert.Equal("kernel", reader.GetString(1));
        Assert.False(reader.GetBoolean(2), "rolsuper");
        Assert.False(reader.GetBoolean(3), "rolbypassrls");
        Assert.False(reader.GetBoolean(4), "rolcreatedb");
        Assert.False(reader.GetBoolean(5), "rolcreaterole");
    }

    [Fact]
    public async Task Starts_a_cluster_on_loopback_with_the_owner_owning_the_database()
    {
        Assert.Equal("127.0.0.1", Cluster.Host);
        Assert.InRange(Cluster.Port, 1, 65535);
        Assert.True(Directory.Exists(Cluster.DataDirectory));

        await using var connection = new NpgsqlConnection(Cluster.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select pg_get_userbyid(d.datdba), r.rolsuper, r.rolbypassrls
            from pg_database d, pg_roles r
            where d.datname = current_database() and r.rolname = current_user
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal("kernel_owner", reader.GetString(0));
        Assert.False(reader.GetBoolean(1), "rolsuper");
        Assert.False(reader.GetBoolean(2), "rolbypassrls");
    }

    [Fact]
    public async Task Runs_without_durability_by_default()
    {
        await using var connection = new NpgsqlConnection(Cluster.SuperuserConnectionString);
        await connection.OpenAsync();

        Assert.Equal("off", await ShowAsync(connection, "fsync"));
        Assert.Equal("off", await ShowAsync(connection, "synchronous_commit"));
        Assert.Equal("off", await ShowAsync(connection, "full_page_writes"));
        Assert.Equal("300", await ShowAsync(connection, "max_connections"));
        Assert.Equal("127.0.0.1", await ShowAsync(connection, "listen_addresses"));
    }

    [Fact]
    public async Task Row_level_security_applies_to_the_runtime_role_for_tables_the_owner_creates()
    {
        const string Database = "rls_check";
        await Cluster.CreateDatabaseAsync(Database);
        try
        {
            await using (var owner = new NpgsqlConnection(Cluster.OwnerConnectionStringFor(Database)))
            {
                await owner.OpenAsync();
                await ExecuteAsync(
                    owner,
                    $"""
                    create schema app;
                    create table app.notes (tenant text not null, body text not null);
                    alter table app.notes enable row level security;
                    create policy tenant_only on app.notes using (tenant = current_setting('app.tenant', true));
                    insert into app.notes values ('a', 'for a'), ('b', 'for b');
                    grant usage on schema app to {Cluster.RuntimeRole};
                    grant select on app.notes to {Cluster.RuntimeRole};
                    """);
            }

            await using var runtime = new NpgsqlConnection(Cluster.RuntimeConnectionStringFor(Database));
            await runtime.OpenAsync();
            await ExecuteAsync(runtime, "select set_config('app.tenant', 'a', false)");
            await using var command = new NpgsqlCommand("select string_agg(body, ',') from app.notes", runtime);

            Assert.Equal("for a", await command.ExecuteScalarAsync());
        }
        finally
        {
            await Cluster.DropDatabaseAsync(Database);
        }
    }

    [Fact]
    public async Task Creates_a_database_from_a_template_with_its_tables()
    {
        const string Template = "template_source";
        const string Copy = "template_copy";
        await Cluster.CreateDatabaseAsync(Template);
        try
        {
            // Leave an idle pooled connection (and an open one) on the template: cloning must still succeed.
            await using (var owner = new NpgsqlConnection(Cluster.OwnerConnectionStringFor(Template)))
            {
                await owner.OpenAsync();
                await ExecuteAsync(owner, "create table widgets (id int primary key, name text not null); insert into widgets values (1, 'sprocket');");
            }

            await using var stillOpen = new NpgsqlConnection(Cluster.RuntimeConnectionStringFor(Template));
            await stillOpen.OpenAsync();

            await Cluster.CreateDatabaseAsync(Copy, Template);

            await using var copy = new NpgsqlConnection(Cluster.OwnerConnectionStringFor(Copy));
            await copy.OpenAsync();
            await using var command = new NpgsqlCommand("select name from widgets where id = 1", copy);
            Assert.Equal("sprocket", await command.ExecuteScalarAsync());

            await using var ownerCommand = new NpgsqlCommand("select pg_get_userbyid(datdba) from pg_database where datname = current_database()", copy);
            Assert.Equal(Cluster.OwnerRole, await ownerCommand.ExecuteScalarAsync());
        }
        finally
        {
            await Cluster.DropDatabaseAsync(Copy);
            await Cluster.DropDatabaseAsync(Template);
        }
    }

    [Fact]
    public async Task Drops_databases_including_ones_marked_as_templates()
    {
        const string Database = "marked_template";
        await Cluster.CreateDatabaseAsync(Database);
        await Cluster.MarkAsTemplateAsync(Database);
        await using (var open = new NpgsqlConnection(Cluster.OwnerConnectionStringFor(Database)))
        {
            await open.OpenAsync();
            await Cluster.DropDatabaseAsync(Database);
        }

        await using var connection = new NpgsqlConnection(Cluster.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from pg_database where datname = @name", connection);
        command.Parameters.AddWithValue("name", Database);
        Assert.Equal(0L, await command.ExecuteScalarAsync());

        await Cluster.DropDatabaseAsync(Database); // Dropping a missing database is a no-op.
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("1starts_with_digit")]
    [InlineData("has-dash")]
    [InlineData("quote\"d")]
    [InlineData("a_name_that_is_far_too_long_for_postgres_identifiers_0123456789ab")]
    public async Task Rejects_invalid_database_names(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Cluster.CreateDatabaseAsync(name));
        await Assert.ThrowsAsync<ArgumentException>(() => Cluster.CreateDatabaseAsync("valid_name", name));
        await Assert.ThrowsAsync<ArgumentException>(() => Cluster.DropDatabaseAsync(name));
        Assert.Throws<ArgumentException>(() => Cluster.OwnerConnectionStringFor(name));
    }

    private static async Task<string?> ShowAsync(NpgsqlConnection connection, string setting)
    {
        await using var command = new NpgsqlCommand($"show {setting}", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
