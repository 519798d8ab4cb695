using Jobs.TestHost;
using Kernel.Testing;
using Npgsql;

namespace Kernel.Jobs.Tests;

/// <summary>The queue's SQL as the runtime role sees it, on a database with no worker running.</summary>
public sealed class QueueSqlTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync(new JobsTestAddon());

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Higher_priority_then_earlier_jobs_are_claimed_first_and_future_ones_not_at_all()
    {
        var tenant = Guid.NewGuid();
        var low = await InsertAsync(tenant, priority: 0, runAtOffset: "-2 seconds");
        var high = await InsertAsync(tenant, priority: 5, runAtOffset: "-1 second");
        var future = await InsertAsync(tenant, priority: 9, runAtOffset: "1 hour");

        var first = await ClaimAsync(1);
        var rest = await ClaimAsync(10);

        Assert.Equal([high], first);
        Assert.Equal([low], rest);
        Assert.DoesNotContain(future, first.Concat(rest));
    }

    [Fact]
    public async Task A_heartbeat_does_not_wait_for_another_beat_of_the_same_worker_in_flight()
    {
        await BeatAsync("w1"); // First beat inserts the row.
        var first = await Owner.ScalarAsync<DateTime>(_database, "select beat_at from kernel.worker_heartbeats where worker_id = 'w1'");

        // Another ping of w1 holds the row (its transaction is still open)...
        await using var holder = new NpgsqlConnection(_database.RuntimeConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("update kernel.worker_heartbeats set beat_at = clock_timestamp() where worker_id = 'w1'", holder, transaction))
        {
            await update.ExecuteNonQueryAsync();
        }

        // ...so this beat returns at once instead of queueing on the row lock (lock_timeout would fail it otherwise).
        await BeatAsync("w1", lockTimeout: "200ms");
        await BeatAsync("w2", lockTimeout: "200ms");

        await transaction.CommitAsync();
        Assert.True(await Owner.ScalarAsync<DateTime>(_database, "select beat_at from kernel.worker_heartbeats where worker_id = 'w1'") > first);
        Assert.Equal(1L, await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.worker_heartbeats where worker_id = 'w2'"));
    }

    private async Task BeatAsync(string worker, string lockTimeout = "0")
    {
        await using var connection = new NpgsqlConnection(_database.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"set lock_timeout = '{lockTimeout}'; select kernel.beat(@worker)", connection);
        command.Parameters.AddWithValue("worker", worker);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_runtime_role_reads_only_its_tenants_jobs_and_cannot_write_the_table_directly()
    {
        var tenant = Guid.NewGuid();
        var mine = await InsertAsync(tenant, 0, "0 seconds");
        await InsertAsync(Guid.NewGuid(), 0, "0 seconds");
        await InsertAsync(null, 0, "0 seconds");

        var visible = await _database.AsTenantAsync(tenant, "t", async db =>
        {
            await using var command = new NpgsqlCommand("select id from kernel.jobs", (NpgsqlConnection)db.OpenDbConnection(), (NpgsqlTransaction)db.Transaction!);
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }

            return ids;
        });
        var insert = await Assert.ThrowsAsync<PostgresException>(() => _database.AsTenantAsync(tenant, "t", async db =>
        {
            await using var command = new NpgsqlCommand(
                "insert into kernel.jobs (id, type, tenant_id, correlation_id, payload, run_at, max_attempts) values (gen_random_uuid(), 'x.y', kernel.current_tenant_id(), 'c', '{}', now(), 1)",
                (NpgsqlConnection)db.OpenDbConnection(),
                (NpgsqlTransaction)db.Transaction!);
            return await command.ExecuteNonQueryAsync();
        }));

        Assert.Equal([mine], visible);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
    }

    [Fact]
    public async Task A_tenant_cannot_enqueue_for_another_tenant_even_through_the_function()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => _database.AsTenantAsync(Guid.NewGuid(), "t", async db =>
        {
            await using var command = new NpgsqlCommand(
                "select kernel.enqueue_job(gen_random_uuid(), 'x.y', gen_random_uuid(), 'a', '{}', null, 'c', '{}', 0, null, 1, null, false)",
                (NpgsqlConnection)db.OpenDbConnection(),
                (NpgsqlTransaction)db.Transaction!);
            return await command.ExecuteScalarAsync();
        }));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private async Task<Guid> InsertAsync(Guid? tenant, int priority, string runAtOffset)
    {
        var id = Guid.NewGuid();
        await Owner.ExecuteAsync(
            _database,
            $"insert into kernel.jobs (id, type, tenant_id, correlation_id, payload, priority, run_at, max_attempts) values ($1, 'jobstest.effect', nullif($2, '')::uuid, 'c', '{{}}', $3, now() + interval '{runAtOffset}', 3)",
            id,
            tenant?.ToString() ?? "",
            priority);
        return id;
    }

    private async Task<List<Guid>> ClaimAsync(int limit)
    {
        await using var connection = new NpgsqlConnection(_database.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id from kernel.claim_jobs('test-worker', $1, interval '1 minute')", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
