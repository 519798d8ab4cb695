using Kernel.Data;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Npgsql;

namespace Kernel.Tests.Data;

public sealed class RuntimeRoleGuardTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task The_runtime_role_passes()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.RuntimeConnectionString);

        await RuntimeRoleGuard.CheckAsync(dataSource, CancellationToken.None);
    }

    [Fact]
    public async Task The_owner_role_is_refused_because_it_owns_the_tables()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.Database.OwnerConnectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RuntimeRoleGuard.CheckAsync(dataSource, CancellationToken.None));

        Assert.Contains("would bypass row-level security", error.Message, StringComparison.Ordinal);
        Assert.Contains("widgets.widgets", error.Message, StringComparison.Ordinal);
        Assert.Contains("NOSUPERUSER NOBYPASSRLS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_with_tenant_id_but_no_forced_rls_is_refused()
    {
        await using (var owner = new NpgsqlConnection(fixture.Database.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await using var create = new NpgsqlCommand(
                "create table public.leaky (tenant_id uuid not null, secret text); alter table public.leaky enable row level security;", owner);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(fixture.Database.RuntimeConnectionString);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RuntimeRoleGuard.CheckAsync(dataSource, CancellationToken.None));
            Assert.Contains("public.leaky", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await using var owner = new NpgsqlConnection(fixture.Database.OwnerConnectionString);
            await owner.OpenAsync();
            await using var drop = new NpgsqlCommand("drop table public.leaky", owner);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
