using Kernel.Testing;
using LinqToDB.Data;
using Npgsql;

namespace Kernel.Tests.Audit;

/// <summary>The audit log is append-only for the runtime role and isolated per tenant.</summary>
public sealed class AuditLogPrivilegesTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_runtime_role_can_append_and_read_its_tenants_entries()
    {
        var tenant = Guid.NewGuid();
        await _database.AsTenantAsync(tenant, "alice", db => InsertAsync(db, "alice"));

        var own = await _database.AsTenantAsync(tenant, "alice", CountAsync);
        var other = await _database.AsTenantAsync(Guid.NewGuid(), "mallory", CountAsync);

        Assert.Equal(1, own);
        Assert.Equal(0, other);
    }

    [Theory]
    [InlineData("update kernel.audit_log set outcome = 'success'")]
    [InlineData("delete from kernel.audit_log")]
    [InlineData("truncate kernel.audit_log")]
    public async Task The_runtime_role_cannot_change_or_remove_entries(string sql)
    {
        var tenant = Guid.NewGuid();
        await _database.AsTenantAsync(tenant, "alice", db => InsertAsync(db, "alice"));

        var error = await Assert.ThrowsAsync<PostgresException>(() => _database.AsTenantAsync(tenant, "alice", db => db.ExecuteAsync(sql)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Equal(1, await _database.AsTenantAsync(tenant, "alice", CountAsync));
    }

    [Fact]
    public async Task The_runtime_role_cannot_file_an_entry_under_another_tenant()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => _database.AsTenantAsync(Guid.NewGuid(), "mallory", db => db.ExecuteAsync(
            """
            insert into kernel.audit_log (tenant_id, occurred_at, actor_id, action, outcome, status, correlation_id)
            values (gen_random_uuid(), now(), 'mallory', 'x.y', 'success', 200, 'c')
            """)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState); // Row-level security WITH CHECK.
    }

    private static Task<int> InsertAsync(DataConnection db, string actor) => db.ExecuteAsync(
        "insert into kernel.audit_log (occurred_at, actor_id, action, outcome, status, correlation_id) values (now(), @actor, 'test.write', 'success', 200, 'corr')",
        new DataParameter("actor", actor));

    private static Task<long> CountAsync(DataConnection db) => db.ExecuteAsync<long>("select count(*) from kernel.audit_log");
}
