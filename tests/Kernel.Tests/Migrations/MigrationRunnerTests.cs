using Kernel.Migrations;
using Kernel.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kernel.Tests.Migrations;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Applies_each_migration_once_in_order_and_journals_it()
    {
        var migrations = new[]
        {
            new AddonMigration("alpha", "0001_a.sql", "create table public.alpha (id int);"),
            new AddonMigration("alpha", "0002_b.sql", "alter table public.alpha add column name text;"),
            new AddonMigration("beta", "0001_a.sql", "create table public.beta (alpha_id int);"),
        };

        var first = await MigrateAsync(migrations);
        var second = await MigrateAsync(migrations);

        Assert.Equal(3, first);
        Assert.Equal(0, second);
        var journal = await QueryAsync("select addon || '/' || name from kernel.schema_migrations where addon in ('alpha', 'beta') order by applied_at, addon, name");
        Assert.Equal(["alpha/0001_a.sql", "alpha/0002_b.sql", "beta/0001_a.sql"], journal);
    }

    [Fact]
    public async Task An_edited_applied_migration_is_drift_naming_the_file()
    {
        await MigrateAsync([new AddonMigration("gamma", "0001_a.sql", "create table public.gamma (id int);")]);

        var error = await Assert.ThrowsAsync<MigrationDriftException>(() =>
            MigrateAsync([new AddonMigration("gamma", "0001_a.sql", "create table public.gamma (id bigint);")]));

        Assert.Contains("gamma/0001_a.sql was edited after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_applied_migration_is_drift()
    {
        await MigrateAsync([
            new AddonMigration("delta", "0001_a.sql", "create table public.delta (id int);"),
            new AddonMigration("delta", "0002_b.sql", "create table public.delta2 (id int);"),
        ]);

        var error = await Assert.ThrowsAsync<MigrationDriftException>(() =>
            MigrateAsync([new AddonMigration("delta", "0001_a.sql", "create table public.delta (id int);")]));

        Assert.Contains("delta/0002_b.sql was applied to this database but no longer exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_endings_do_not_change_the_checksum()
    {
        var unix = new AddonMigration("x", "0001.sql", "create table t (id int);\nselect 1;\n");
        var windows = new AddonMigration("x", "0001.sql", "create table t (id int);\r\nselect 1;\r\n");

        Assert.Equal(unix.Checksum, windows.Checksum);
    }

    [Fact]
    public async Task A_failing_migration_applies_nothing_of_itself_and_stops_the_run()
    {
        var migrations = new[]
        {
            new AddonMigration("epsilon", "0001_ok.sql", "create table public.epsilon (id int);"),
            new AddonMigration("epsilon", "0002_bad.sql", "create table public.epsilon_half (id int); select * from no_such_table;"),
            new AddonMigration("epsilon", "0003_after.sql", "create table public.epsilon_after (id int);"),
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MigrateAsync(migrations));

        Assert.Contains("epsilon/0002_bad.sql failed", error.Message, StringComparison.Ordinal);
        var tables = await QueryAsync("select table_name::text from information_schema.tables where table_name like 'epsilon%' order by 1");
        Assert.Equal(["epsilon"], tables);
        var journal = await QueryAsync("select name from kernel.schema_migrations where addon = 'epsilon'");
        Assert.Equal(["0001_ok.sql"], journal);
    }

    [Fact]
    public async Task Concurrent_runners_apply_each_migration_once()
    {
        var migrations = Enumerable.Range(1, 5)
            .Select(i => new AddonMigration("zeta", $"000{i}.sql", $"create table public.zeta_{i} (id int);"))
            .ToArray();

        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => MigrateAsync(migrations)));

        Assert.Equal(5, counts.Sum());
    }

    [Fact]
    public async Task The_runtime_role_gets_only_the_grants_migrations_give_it()
    {
        await MigrateAsync([new AddonMigration("eta", "0001.sql", "create table public.eta (id int); grant select on public.eta to ${runtime_role};")]);

        await using var runtime = new NpgsqlConnection(_database.RuntimeConnectionString);
        await runtime.OpenAsync();
        await using var select = new NpgsqlCommand("select count(*) from public.eta", runtime);
        Assert.Equal(0L, await select.ExecuteScalarAsync());
        await using var insert = new NpgsqlCommand("insert into public.eta values (1)", runtime);
        var denied = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    private Task<int> MigrateAsync(IReadOnlyList<AddonMigration> migrations) =>
        new MigrationRunner(NullLogger<MigrationRunner>.Instance).MigrateAsync(
            _database.OwnerConnectionString,
            new NpgsqlConnectionStringBuilder(_database.RuntimeConnectionString).Username!,
            migrations,
            CancellationToken.None);

    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
