using System.Net.Http.Json;
using System.Text.Json;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kernel.Tests.Addons;

/// <summary><see cref="IAddon.OnTenantCreatedAsync"/>: run for every new tenant, in its context, in the registration's transaction.</summary>
public sealed class TenantCreatedHookTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _database = await KernelTestDatabase.CreateAsync(new WidgetsAddon());
        _app = await TestHost.StartAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_new_tenant_gets_what_each_addons_hook_seeds_and_no_other_tenant_sees_it()
    {
        var registry = _app.Services.GetRequiredService<ITenantRegistry>();

        var tenant = await registry.CreateAsync(new NewTenant("hooked-" + Suffix(), "Hooked"), "signup-flow");

        Assert.Equal(1, await CountAsync(tenant));
        Assert.Equal(0, await CountAsync(Guid.NewGuid()));
        Assert.Equal(1L, await OwnerScalarAsync("select count(*) from widgets.widgets where tenant_id = $1 and name = 'welcome'", tenant, asTenant: tenant));
    }

    [Fact]
    public async Task A_failing_hook_leaves_no_tenant_and_none_of_the_hooks_rows()
    {
        var registry = _app.Services.GetRequiredService<ITenantRegistry>();
        var tenant = Guid.CreateVersion7();
        WidgetsAddon.FailCreationOf.TryAdd(tenant, true);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            registry.CreateAsync(new NewTenant("doomed-" + Suffix(), "Doomed") { Id = tenant }, "signup-flow"));

        Assert.Equal(0L, await OwnerScalarAsync("select count(*) from kernel.tenants where id = $1", tenant));
        Assert.Equal(0L, await OwnerScalarAsync("select count(*) from widgets.widgets where tenant_id = $1", tenant, asTenant: tenant));
    }

    [Theory]
    [InlineData("Not A Slug")]
    [InlineData("api")]
    [InlineData("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")]
    public async Task A_bad_or_reserved_slug_is_refused_before_anything_is_written(string slug)
    {
        var registry = _app.Services.GetRequiredService<ITenantRegistry>();

        var error = await Assert.ThrowsAsync<KernelException>(() => registry.CreateAsync(new NewTenant(slug, "Bad"), "signup-flow"));

        Assert.Equal(KernelErrorCodes.ValidationFailed, error.Code);
        Assert.Contains("slug", error.Errors!.Keys);
        Assert.Equal(0L, await OwnerScalarAsync("select count(*) from kernel.tenants where slug = $1", slug));
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..10];

    private async Task<int> CountAsync(Guid tenant)
    {
        using var client = _app.ClientAs(tenant, "alice");
        var body = await client.GetFromJsonAsync<JsonElement>("/api/widgets");
        return body.GetProperty("count").GetInt32();
    }

    /// <summary>A count as the owner; <paramref name="asTenant"/> sets the tenant context its forced RLS needs to see tenant rows.</summary>
    private async Task<long> OwnerScalarAsync(string sql, object parameter, Guid? asTenant = null)
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("select set_config('app.tenant_id', $1, true)", connection, transaction))
        {
            context.Parameters.Add(new NpgsqlParameter { Value = asTenant?.ToString() ?? string.Empty });
            await context.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
