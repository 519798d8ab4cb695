using Npgsql;

namespace Kernel.Testing.Tests;

/// <summary>The registry helpers tests arrange tenants with: optional addons and plans.</summary>
public sealed class KernelTestDatabaseTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task EnableAddon_registers_the_tenant_and_switches_the_addon_on_for_that_tenant_alone()
    {
        var (tenant, other) = (Guid.NewGuid(), Guid.NewGuid());
        _database.RegisterTenant(other);

        _database.EnableAddon(tenant, "requests-reminders");
        _database.EnableAddon(tenant, "requests-reminders"); // Again: harmless.

        Assert.Equal(1L, await ScalarAsync("select count(*) from kernel.tenants where id = $1", tenant));
        Assert.Equal(true, await ScalarAsync("select kernel.addon_enabled($1, 'requests-reminders')", tenant));
        Assert.Equal(false, await ScalarAsync("select kernel.addon_enabled($1, 'requests-reminders')", other));
    }

    [Fact]
    public async Task SetPlan_registers_the_tenant_and_puts_it_on_the_plan_or_on_none()
    {
        var tenant = Guid.NewGuid();

        _database.SetPlan(tenant, "pro");
        var onPro = await ScalarAsync("select plan from kernel.tenants where id = $1", tenant);
        _database.SetPlan(tenant, null);
        var onNone = await ScalarAsync("select plan from kernel.tenants where id = $1", tenant);

        Assert.Equal("pro", onPro);
        Assert.Equal(DBNull.Value, onNone);
    }

    private async Task<object?> ScalarAsync(string sql, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = tenant } } };
        return await command.ExecuteScalarAsync();
    }
}
