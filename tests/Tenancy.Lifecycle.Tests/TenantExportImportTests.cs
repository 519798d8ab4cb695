using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kernel.Testing;

namespace Tenancy.Lifecycle.Tests;

public sealed class TenantExportImportTests : IAsyncLifetime
{
    private const int Scale = 2000; // 34,031 rows, a zip of megabytes: far past the export's 64 KiB buffer.

    private KernelTestDatabase _database = null!;
    private LifecycleHost _host = null!;

    public async Task InitializeAsync()
    {
        _database = await Db.CreateAsync();
        _host = new LifecycleHost(_database);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Export_then_erase_then_import_restores_every_row_and_makes_the_tenant_active_again()
    {
        var tenant = Guid.NewGuid();
        var neighbour = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "round-trip", Scale, "mine");
        await Db.SeedAsync(_database, neighbour, "next-door", 100, "theirs");
        await Db.SuspendAsync(_database, tenant);
        var before = await Db.FingerprintAsync(_database, tenant);
        var neighbourBefore = await Db.FingerprintAsync(_database, neighbour);
        var client = _host.Operator();

        var zip = await client.GetByteArrayAsync($"/api/platform/tenants/{tenant}/export");
        using (var erase = await client.DeleteAsync($"/api/platform/tenants/{tenant}"))
        {
            Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        }

        Assert.All(await Db.FingerprintAsync(_database, tenant), t => Assert.Equal(0, t.Value.Rows));

        // As on a fresh cluster the tenant moves to: the identity sequence far behind the ids the archive carries.
        await Db.ExecuteAsync(_database.OwnerConnectionString, "select setval(pg_get_serial_sequence('lt.a', 'id'), 1, false)");
        using var import = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(zip));

        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var body = await import.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(Db.SeededRows(Scale), body.GetProperty("rowsImported").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(before, await Db.FingerprintAsync(_database, tenant, withoutImportEntry: true));
        Assert.Equal(1, await Db.TenantAuditCountAsync(_database, tenant, "kernel.tenants.import"));
        Assert.Equal(neighbourBefore, await Db.FingerprintAsync(_database, neighbour));
        Assert.Equal("active", await Db.StatusAsync(_database, tenant));

        // The platform stream outlives the erasure: who exported, erased and imported, with the rows of each.
        var platform = await Db.PlatformAuditAsync(_database, tenant);
        Assert.Equal(["kernel.tenants.export", "kernel.tenants.erase", "kernel.tenants.import"], platform.Select(e => e.Action));
        Assert.All(platform, e => Assert.Equal(("success", "op"), (e.Outcome, e.Actor)));
        Assert.Contains("\"rowsDeleted\"", platform[1].Details, StringComparison.Ordinal);
        Assert.Contains("\"rowsImported\"", platform[2].Details, StringComparison.Ordinal);
        var audit = _host.Audit.Where(a => a.TargetId == tenant.ToString()).ToList();
        Assert.Equal(["GET", "DELETE", "POST"], audit.Select(a => a.Method));
        Assert.All(audit, a => Assert.Equal("tenant", a.TargetType));
        Assert.Equal([true, false, true], audit.Select(a => a.TenantLog));
        Assert.Equal(Db.SeededRows(Scale), audit[0].Details!["rows"]!.AsObject().Sum(p => (long)p.Value!));
        Assert.Equal(Db.SeededRows(Scale), audit[2].Details!["rowsImported"]!.AsObject().Sum(p => (long)p.Value!));

        // The identity sequence is past the restored ids: the tenant's next row gets a fresh one.
        var superuser = await Db.SuperuserAsync(_database);
        var restoredMax = await Db.ScalarAsync<long>(superuser, "select max(id) from lt.a where tenant_id = $1", tenant);
        var newId = await Db.ScalarAsync<long>(superuser, "insert into lt.a (tenant_id, name) values ($1, 'after import') returning id", tenant);
        Assert.True(newId > restoredMax, $"The next id {newId} is not past the restored ones (up to {restoredMax}).");
    }

    [Fact]
    public async Task An_export_is_one_ndjson_file_per_tenant_table_in_key_order_with_a_manifest_of_counts_checksums_and_the_journal()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "layout", Scale, "mine");
        var expected = await Db.FingerprintAsync(_database, tenant);

        using var response = await _host.Operator().GetAsync($"/api/platform/tenants/{tenant}/export", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentLength); // Streamed: the length is not known when the headers go.
        Assert.StartsWith("tenant-layout-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var archive = Archive.Read(await response.Content.ReadAsByteArrayAsync());
        var manifest = archive.Manifest;
        Assert.Equal(1, (int)manifest["formatVersion"]!);
        Assert.Equal(tenant, (Guid)manifest["tenant"]!["id"]!);
        Assert.Equal("layout", (string?)manifest["tenant"]!["slug"]);

        var tables = manifest["tables"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.Equal(expected.Keys.Order(), tables.Select(t => (string)t["name"]!).Order());
        Assert.Equal(tables.Count + 1, archive.Entries.Count);
        foreach (var table in tables)
        {
            var bytes = archive.Entry((string)table["file"]!);
            Assert.Equal(Archive.Sha256(bytes), (string?)table["sha256"]);
            var lines = Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((long)table["rows"]!, lines.Length);
            Assert.Equal(expected[(string)table["name"]!].Rows, lines.Length);
            Assert.All(lines, line => Assert.Equal(tenant, JsonDocument.Parse(line).RootElement.GetProperty("tenant_id").GetGuid()));
        }

        // Parents before children, and rows in primary-key order.
        var order = tables.Select(t => (string)t["name"]!).ToList();
        Assert.True(order.IndexOf("lt.a") < order.IndexOf("lt.b") && order.IndexOf("lt.b") < order.IndexOf("lt.c"));
        var ids = archive.Text("lt.a.ndjson").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Order(), ids);

        var journal = await Db.ScalarAsync<long>(_database.OwnerConnectionString, "select count(*) from kernel.schema_migrations");
        var migrations = manifest["migrations"]!.AsArray();
        Assert.Equal(journal, migrations.Count);
        Assert.Contains(migrations, m => (string?)m!["addon"] == "kernel" && (string?)m["name"] == "0012_tenant_erasure.sql");
    }

    [Fact]
    public async Task An_export_never_contains_another_tenants_rows()
    {
        var tenant = Guid.NewGuid();
        var other = Guid.NewGuid();
        var canary = "CANARY-" + Guid.NewGuid().ToString("N");
        await Db.SeedAsync(_database, tenant, "clean", 200, "mine");
        await Db.SeedAsync(_database, other, "canary", 200, canary);

        var archive = Archive.Read(await _host.Operator().GetByteArrayAsync($"/api/platform/tenants/{tenant}/export"));

        Assert.All(archive.Entries, entry => Assert.DoesNotContain(canary, Encoding.UTF8.GetString(entry.Bytes), StringComparison.Ordinal));
        Assert.All(archive.Entries, entry => Assert.DoesNotContain(other.ToString(), Encoding.UTF8.GetString(entry.Bytes), StringComparison.Ordinal));

        // Not vacuous: the tenant's own marker is in its jobs, audit log and addon rows (the owner sees every job row).
        Assert.Contains("mine", archive.Text("kernel.jobs.ndjson"), StringComparison.Ordinal);
        Assert.Contains("mine", archive.Text("kernel.audit_log.ndjson"), StringComparison.Ordinal);
        Assert.Contains("mine", archive.Text("lt.b.ndjson"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exporting_an_unknown_tenant_is_404_and_one_being_erased_is_409()
    {
        var erasing = Guid.NewGuid();
        await Db.SeedAsync(_database, erasing, "half-gone", 1, "mine");
        await Db.ExecuteAsync(_database.OwnerConnectionString, "select kernel.tenant_set_status($1, '{active}', 'erasing', null, null)", erasing);
        var client = _host.Operator();

        using var unknown = await client.GetAsync($"/api/platform/tenants/{Guid.NewGuid()}/export");
        using var partial = await client.GetAsync($"/api/platform/tenants/{erasing}/export");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, partial.StatusCode);
        Assert.Equal("application/problem+json", partial.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Importing_into_a_tenant_that_has_rows_is_409_and_writes_nothing()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "occupied", 20, "mine");
        var client = _host.Operator();
        var zip = await client.GetByteArrayAsync($"/api/platform/tenants/{tenant}/export");
        var before = await Db.FingerprintAsync(_database, tenant);

        using var response = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(zip));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already has data", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await Db.FingerprintAsync(_database, tenant));
    }

    [Fact]
    public async Task Importing_into_a_tenant_being_erased_is_409_and_into_an_unknown_one_404()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "mid-erase", 20, "mine");
        var client = _host.Operator();
        var zip = await client.GetByteArrayAsync($"/api/platform/tenants/{tenant}/export");
        await Db.SuspendAsync(_database, tenant);
        await Db.ExecuteAsync(_database.OwnerConnectionString, "select kernel.tenant_set_status($1, '{suspended}', 'erasing', null, null)", tenant);

        using var erasing = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(zip));
        using var unknown = await client.PostAsync($"/api/platform/tenants/{Guid.NewGuid()}/import", Archive.Content(zip));

        Assert.Equal(HttpStatusCode.Conflict, erasing.StatusCode);
        Assert.Contains("being erased", (await erasing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_import_body_that_is_not_application_zip_is_415()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "json-body", 1, "mine");

        using var json = await _host.Operator().PostAsync($"/api/platform/tenants/{tenant}/import", JsonContent.Create(new { rows = 1 }));
        using var none = await _host.Operator().PostAsync($"/api/platform/tenants/{tenant}/import", null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, none.StatusCode);
    }

    [Fact]
    public async Task An_import_larger_than_MaxImportBytes_is_413_with_or_without_a_length_and_larger_than_the_global_limit_is_accepted()
    {
        var tenant = Guid.NewGuid();
        await Db.ExecuteAsync(_database.OwnerConnectionString, "select kernel.tenant_create($1, 'big-upload', 'Big upload', '{}')", tenant); // No rows: importable.
        await using var host = new LifecycleHost(_database, new Dictionary<string, string?>
        {
            ["Kernel:Tenancy:MaxImportBytes"] = "2000000",
            ["Kernel:Limits:MaxRequestBodyBytes"] = "1024",
        });
        var client = host.Operator();

        using var withLength = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(new byte[2_000_001]));
        var chunked = new StreamContent(new MemoryStream(new byte[2_000_001]));
        chunked.Headers.ContentType = new("application/zip");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/platform/tenants/{tenant}/import") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var withoutLength = await client.SendAsync(request);

        // Past the global 1 KiB limit but within the route's: read, and refused only for what it is (not a zip).
        using var withinLimit = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(new byte[100_000]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", (await withLength.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withinLimit.StatusCode);
        Assert.Equal("VALIDATION_FAILED", (await withinLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
