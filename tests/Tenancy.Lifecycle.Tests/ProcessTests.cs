using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kernel.Testing;

namespace Tenancy.Lifecycle.Tests;

/// <summary>The lifecycle in real host processes: Kestrel (no synchronous IO), SIGKILL mid-erase, the tenant command.</summary>
public sealed class ProcessTests : IAsyncLifetime
{
    private const int Scale = 2000;

    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await Db.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task An_erase_killed_midway_loses_no_count_and_the_next_DELETE_resumes_it_to_zero_rows_and_erased()
    {
        var tenant = Guid.NewGuid();
        var neighbour = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "crashed", Scale, "mine");
        await Db.SeedAsync(_database, neighbour, "survivor", 50, "theirs");
        await Db.SuspendAsync(_database, tenant);
        var neighbourBefore = await Db.FingerprintAsync(_database, neighbour);
        var superuser = await Db.SuperuserAsync(_database);
        var slow = new Dictionary<string, string> { ["Kernel:Tenancy:ErasureBatchSize"] = "25" }; // About 1,400 batches.

        var (first, address) = await HostProcess.StartAsync(_database, slow);
        long progressAtKill;
        using (first)
        {
            using var client = HostProcess.Operator(address);
            var erase = client.DeleteAsync($"/api/platform/tenants/{tenant}");
            await WaitUntilAsync(
                async () => await Db.ScalarAsync<decimal>(superuser, "select coalesce(sum(rows_deleted), 0) from kernel.tenant_erasures where tenant = $1", tenant) > 500,
                () => first.Output);
            first.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => erase); // The connection died with the process.

            // The server may still be running the dead process's last batch: look once its sessions are gone.
            await WaitUntilAsync(
                async () => await Db.ScalarAsync<long>(superuser, "select count(*) from pg_stat_activity where datname = current_database() and application_name like '%tenant lifecycle%'") == 0,
                () => "the killed host's sessions did not end");
            progressAtKill = (long)await Db.ScalarAsync<decimal>(superuser, "select sum(rows_deleted) from kernel.tenant_erasures where tenant = $1", tenant);
        }

        var left = (await Db.FingerprintAsync(_database, tenant)).Values.Sum(t => t.Rows);
        Assert.Equal("erasing", await Db.StatusAsync(_database, tenant));
        Assert.True(left > 0, "The erasure finished before the host was killed; the test did not crash it midway.");
        Assert.Equal(Db.SeededRows(Scale), progressAtKill + left); // Every deleted row was counted, none twice.

        var (second, secondAddress) = await HostProcess.StartAsync(_database);
        using (second)
        {
            using var client = HostProcess.Operator(secondAddress);
            using var response = await client.DeleteAsync($"/api/platform/tenants/{tenant}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("erased", body.GetProperty("status").GetString());
            Assert.Equal(Db.SeededRows(Scale), body.GetProperty("rowsDeleted").EnumerateObject().Sum(p => p.Value.GetInt64()));
        }

        Assert.All(await Db.FingerprintAsync(_database, tenant), t => Assert.True(t.Value.Rows == 0, $"{t.Key} still holds {t.Value.Rows} rows."));
        Assert.Equal("erased", await Db.StatusAsync(_database, tenant));
        Assert.Equal(neighbourBefore, await Db.FingerprintAsync(_database, neighbour));
    }

    [Fact]
    public async Task Over_Kestrel_a_large_export_streams_chunked_and_imports_back_into_the_erased_tenant()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "over-kestrel", Scale, "mine");
        await Db.SuspendAsync(_database, tenant);
        var before = await Db.FingerprintAsync(_database, tenant);

        var (host, address) = await HostProcess.StartAsync(_database);
        using (host)
        {
            using var client = HostProcess.Operator(address);
            using var export = await client.GetAsync($"/api/platform/tenants/{tenant}/export", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.True(export.Headers.TransferEncodingChunked, "The export was not streamed (it had a length up front).");
            var zip = await export.Content.ReadAsByteArrayAsync();
            Assert.True(zip.Length > 1024 * 1024, $"The archive is only {zip.Length} bytes.");

            using (var erase = await client.DeleteAsync($"/api/platform/tenants/{tenant}"))
            {
                Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
            }

            using var import = await client.PostAsync($"/api/platform/tenants/{tenant}/import", Archive.Content(zip));
            Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
            Assert.DoesNotContain("Synchronous operations are disallowed", host.Output, StringComparison.Ordinal);
        }

        Assert.Equal(before, await Db.FingerprintAsync(_database, tenant, withoutImportEntry: true));
    }

    [Fact]
    public async Task The_tenant_command_exports_to_a_file_and_imports_it_back_by_slug_and_files_both_in_the_platform_stream()
    {
        var tenant = Guid.NewGuid();
        await Db.SeedAsync(_database, tenant, "by-command", 300, "mine");
        await Db.SuspendAsync(_database, tenant);
        var before = await Db.FingerprintAsync(_database, tenant);
        var file = Path.Combine(Path.GetTempPath(), $"lifecycle-{Guid.NewGuid():N}.zip");
        try
        {
            var export = await HostProcess.RunAsync(_database, "tenant", "export", "by-command", "--out", file);
            Assert.True(export.ExitCode == 0, export.Output);
            Assert.Contains("Exported tenant by-command", export.Output, StringComparison.Ordinal);
            Assert.True(File.Exists(file));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(file)}.*.partial"));

            var (host, address) = await HostProcess.StartAsync(_database);
            using (host)
            {
                using var client = HostProcess.Operator(address);
                using var erase = await client.DeleteAsync($"/api/platform/tenants/{tenant}");
                Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
            }

            var import = await HostProcess.RunAsync(_database, "tenant", "import", tenant.ToString(), "--in", file);
            Assert.True(import.ExitCode == 0, import.Output);

            var again = await HostProcess.RunAsync(_database, "tenant", "import", "by-command", "--in", file);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("CONFLICT", again.Output, StringComparison.Ordinal);

            var usage = await HostProcess.RunAsync(_database, "tenant", "export", "by-command");
            Assert.Equal(2, usage.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }

        // Every row is back; the tenant's own log has one entry more: the import, filed there like an operator's route.
        var after = await Db.FingerprintAsync(_database, tenant);
        Assert.Equal(before.Where(t => t.Key != "kernel.audit_log"), after.Where(t => t.Key != "kernel.audit_log"));
        Assert.Equal(before["kernel.audit_log"].Rows + 1, after["kernel.audit_log"].Rows);
        Assert.Equal("active", await Db.StatusAsync(_database, tenant));
        var superuser = await Db.SuperuserAsync(_database);
        Assert.Equal(1L, await Db.ScalarAsync<long>(
            superuser, "select count(*) from kernel.audit_log where tenant_id = $1 and action = 'kernel.tenants.import' and actor_id like 'cli:%'", tenant));
        Assert.Equal(2L, await Db.ScalarAsync<long>(
            superuser,
            "select count(*) from kernel.platform_audit where target_tenant = $1 and actor_id like 'cli:%' and action in ('kernel.tenants.export', 'kernel.tenants.import')",
            tenant));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> explain)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out: {explain()}");
            await Task.Delay(50);
        }
    }
}
