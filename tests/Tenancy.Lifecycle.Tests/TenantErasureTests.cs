using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kernel.Testing;

namespace Tenancy.Lifecycle.Tests;

public sealed class TenantErasureTests : IAsyncLifetime
{
    private const int Scale = 2000; // 34,031 rows: larger than any buffer on the way.

    private KernelTestDatabase _database = null!;
    private LifecycleHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await Db.CreateAsync();
        _host = new LifecycleHost(_database, new Dictionary<string, string?> { ["Kernel:Tenancy:ErasureBatchSize"] = "1500" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Erasing_a_suspended_tenant_deletes_its_rows_in_every_tenant_table_and_leaves_other_tenants_byte_identical()
    {
        var tenant = Guid.NewGuid();
        var neighbour = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "erased-one", Scale, "mine");
        await Db.SeedAsync(_database, neighbour, "neighbour", 300, "theirs");
        await Db.SuspendAsync(_database, tenant);
        var neighbourBefore = await Db.FingerprintAsync(_database, neighbour);
        var seeded = await Db.FingerprintAsync(_database, tenant);

        using var response = await _host.Operator().DeleteAsync($"/api/platform/tenants/{tenant}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(tenant, body.GetProperty("id").GetGuid());
        Assert.Equal("erased", body.GetProperty("status").GetString());
        var deleted = body.GetProperty("rowsDeleted").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

        // Every table the catalog names, by this test's own query: nothing left, each counted as deleted.
        var after = await Db.FingerprintAsync(_database, tenant);
        Assert.All(after, table => Assert.True(table.Value.Rows == 0, $"{table.Key} still holds {table.Value.Rows} rows of the erased tenant."));
        Assert.Equal(seeded.Keys.Order(), deleted.Keys.Select(Unquoted).Order());
        foreach (var (table, (rows, _)) in seeded)
        {
            Assert.Equal(rows, deleted[Unquoted(table)]);
        }

        Assert.Equal(Db.SeededRows(Scale), deleted.Values.Sum());
        Assert.Equal(neighbourBefore, await Db.FingerprintAsync(_database, neighbour));
        Assert.Equal("erased", await Db.StatusAsync(_database, tenant));

        // What the route wrapper files in the platform stream: the tenant as target, the counts, not the tenant's own log.
        var audit = Assert.Single(_host.Audit, a => a.Method == "DELETE" && a.TargetId == tenant.ToString());
        Assert.Equal("tenant", audit.TargetType);
        Assert.False(audit.TenantLog);
        Assert.Equal(deleted, audit.Details!["rowsDeleted"]!.AsObject().ToDictionary(p => p.Key, p => (long)p.Value!));

        // The progress record is durable and agrees with the answer; the registry entry stays.
        var superuser = await Db.SuperuserAsync(_database);
        Assert.Equal(Db.SeededRows(Scale), await Db.ScalarAsync<decimal>(superuser, "select sum(rows_deleted) from kernel.tenant_erasures where tenant = $1", tenant));
        Assert.Equal(1L, await Db.ScalarAsync<long>(superuser, "select count(*) from kernel.tenants where id = $1", tenant));
    }

    [Fact]
    public async Task Erasing_an_erased_tenant_again_is_a_harmless_200_with_the_same_counts()
    {
        var tenant = Guid.NewGuid();
        var neighbour = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "twice", 20, "mine");
        await Db.SeedAsync(_database, neighbour, "bystander", 20, "theirs");
        await Db.SuspendAsync(_database, tenant);
        var client = _host.Operator();
        using var first = await client.DeleteAsync($"/api/platform/tenants/{tenant}");
        var neighbourBefore = await Db.FingerprintAsync(_database, neighbour);

        using var second = await client.DeleteAsync($"/api/platform/tenants/{tenant}");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rowsDeleted").ToString(),
            (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rowsDeleted").ToString());
        Assert.Equal("erased", await Db.StatusAsync(_database, tenant));
        Assert.Equal(neighbourBefore, await Db.FingerprintAsync(_database, neighbour));
    }

    [Fact]
    public async Task Erasing_an_active_tenant_is_409_saying_to_suspend_it_first_and_deletes_nothing()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "still-active", 10, "mine");
        var before = await Db.FingerprintAsync(_database, tenant);

        using var response = await _host.Operator().DeleteAsync($"/api/platform/tenants/{tenant}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("CONFLICT", problem.GetProperty("code").GetString());
        Assert.Contains("Suspend it first", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Equal(before, await Db.FingerprintAsync(_database, tenant));
        Assert.Equal("active", await Db.StatusAsync(_database, tenant));
    }

    [Fact]
    public async Task Erasing_an_unknown_tenant_is_404()
    {
        using var response = await _host.Operator().DeleteAsync($"/api/platform/tenants/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NOT_FOUND", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_caller_without_the_operator_role_is_403_and_erases_nothing()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "protected", 5, "mine");
        await Db.SuspendAsync(_database, tenant);
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Actor", "admin");
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Roles", "admin");

        using var response = await client.DeleteAsync($"/api/platform/tenants/{tenant}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("suspended", await Db.StatusAsync(_database, tenant));
        Assert.Equal(Db.SeededRows(5), (await Db.FingerprintAsync(_database, tenant)).Values.Sum(t => t.Rows));
    }

    [Fact]
    public async Task Without_an_owner_connection_export_import_and_erase_are_503_naming_the_setting()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "no-owner", 5, "mine");
        await using var host = new LifecycleHost(_database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:KernelOwner"] = string.Empty,
            ["Kernel:Database:MigrateOnStartup"] = "false",
        });
        var client = host.Operator();

        using var export = await client.GetAsync($"/api/platform/tenants/{tenant}/export");
        using var erase = await client.DeleteAsync($"/api/platform/tenants/{tenant}");
        using var import = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Zip([1, 2, 3]));

        foreach (var response in new[] { export, erase, import })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("UNAVAILABLE", problem.GetProperty("code").GetString());
            Assert.Contains("Kernel:Database:OwnerConnectionString", problem.ToString(), StringComparison.Ordinal);
        }
    }

    private static ByteArrayContent Zip(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/zip");
        return content;
    }

    // The fingerprint names tables quoted (format('%I.%I')); the kernel's answer names them schema.table as stored.
    private static string Unquoted(string name) => name.Replace("\"", string.Empty, StringComparison.Ordinal);
}
