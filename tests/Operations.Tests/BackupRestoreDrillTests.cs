using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Kernel.Testing;
using Npgsql;

namespace Operations.Tests;

/// <summary>
/// The backup and restore procedure of docs/operations.md, as a drill: back up a populated database with its roles
/// (<c>pg_dumpall --roles-only</c> + <c>pg_dump -Fc</c>), restore both into a fresh cluster, and check that the
/// application runs on the restored copy as it did on the original.
/// </summary>
public sealed partial class BackupRestoreDrillTests
{
    private static readonly string[] CountedTables =
        ["requests.requests", "requests.reminders", "kernel.audit_log", "kernel.jobs", "kernel.schema_migrations", "kernel.tenants"];

    [Fact]
    public async Task A_restored_backup_has_every_row_no_migration_drift_tenant_isolation_and_runs_the_jobs_queued_before_it()
    {
        var work = Directory.CreateTempSubdirectory("kernel-drill-");
        try
        {
            // 1. A populated database: two tenants' requests and audit entries, and reminder jobs left queued (web-only host).
            await using var original = await LocalPostgresCluster.StartAsync();
            var (runtime, owner) = (original.RuntimeConnectionString, original.OwnerConnectionString);
            var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
            var requestsOfA = new List<string>();
            var queued = new List<string>();
            await using (var host = await SampleHostProcess.StartAsync(null, SampleHostProcess.Settings(runtime, owner, ("Kernel:Jobs:WorkerEnabled", "false"), ("Kernel:Jobs:SchedulerEnabled", "false"))))
            {
                using var a = host.ClientAs(tenantA, "alice", "member");
                using var b = host.ClientAs(tenantB, "bob", "member");
                for (var i = 0; i < 5; i++)
                {
                    requestsOfA.Add(await Api.CreateRequestAsync(a, $"A {i}"));
                    var ofB = await Api.CreateRequestAsync(b, $"B {i}");
                    queued.Add(await Api.RemindAsync(i % 2 == 0 ? a : b, i % 2 == 0 ? requestsOfA[^1] : ofB));
                }

                Assert.Equal(0, await host.TerminateAsync());
            }

            var before = await CountAsync(Sql.Superuser(original, original.Database));

            // 2. Back up: the roles (with their password hashes), then the database in the custom format.
            var rolesFile = Path.Combine(work.FullName, "roles.sql");
            var dumpFile = Path.Combine(work.FullName, "kernel.dump");
            await ToolAsync(original, "pg_dumpall", "--roles-only", "--file", rolesFile);
            await ToolAsync(original, "pg_dump", "--format=custom", "--dbname", original.Database, "--file", dumpFile);
            await original.DisposeAsync(); // The original is gone: everything below runs on the restore.

            // 3. Restore into a fresh cluster: roles first (without the target's own bootstrap superuser), then the
            // database, created by pg_restore with its owner and privileges.
            await using var restored = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { Database = "drill", OwnerRole = "drill_owner", RuntimeRole = "drill_runtime" });
            var roles = BootstrapSuperuser().Replace(await File.ReadAllTextAsync(rolesFile), string.Empty);
            await File.WriteAllTextAsync(rolesFile, roles);
            await ToolAsync(restored, "psql", "--set", "ON_ERROR_STOP=1", "--dbname", "postgres", "--file", rolesFile);
            await ToolAsync(restored, "pg_restore", "--create", "--exit-on-error", "--dbname", "postgres", dumpFile);

            // The application's own connection strings (its roles and passwords came with the backup), new server.
            runtime = OnPort(runtime, restored.Port);
            owner = OnPort(owner, restored.Port);
            var superuser = new NpgsqlConnectionStringBuilder(restored.SuperuserConnectionString) { Database = new NpgsqlConnectionStringBuilder(owner).Database }.ConnectionString;

            // 4. Every row is there.
            Assert.Equal(before, await CountAsync(superuser));
            Assert.All(before, table => Assert.True(table.Value > 0 || table.Key == "requests.reminders", table.Key));

            // 5. RLS still isolates: the runtime role sees one tenant's rows with its context, none without.
            Assert.Equal(requestsOfA.Count, await CountAsTenantAsync(runtime, tenantA));
            Assert.Equal(0, await CountAsTenantAsync(runtime, null));

            // 6. The migration journal matches the code: nothing to apply, no drift.
            var (exitCode, output) = await SampleHostProcess.RunAsync("migrate", SampleHostProcess.Settings(runtime, owner));
            Assert.True(exitCode == 0, output);
            Assert.Contains("Applied 0 migration(s).", output, StringComparison.Ordinal);

            // 7. The application starts on the restore, serves tenant A its requests, and runs the jobs queued before the backup.
            await using var again = await SampleHostProcess.StartAsync(null, SampleHostProcess.Settings(runtime, owner));
            using var alice = again.UnregisteredClientAs(tenantA, "alice", "member"); // Registered by the backup, not again here.
            Assert.Equal(requestsOfA.Order(StringComparer.Ordinal), (await Api.ListRequestIdsAsync(alice)).Order(StringComparer.Ordinal));
            var ids = queued.Select(Guid.Parse).ToArray();
            await Sql.WaitUntilAsync(
                async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where id = any($1) and state = 'succeeded'", ids) == ids.Length,
                "the jobs queued before the backup ran on the restore");
            Assert.Equal((long)ids.Length, await Sql.ScalarAsync<long>(superuser, "select count(*) from requests.reminders where id = any($1)", ids));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<Dictionary<string, long>> CountAsync(string superuser)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in CountedTables)
        {
            counts[table] = await Sql.ScalarAsync<long>(superuser, $"select count(*) from {table}");
        }

        return counts;
    }

    private static async Task<int> CountAsTenantAsync(string runtime, Guid? tenant)
    {
        await using var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("select set_config('app.tenant_id', @tenant, true); select count(*)::int from requests.requests", connection, transaction);
        command.Parameters.AddWithValue("tenant", tenant?.ToString() ?? string.Empty);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt32(0);
    }

    private static string OnPort(string connectionString, int port) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = port }.ConnectionString;

    /// <summary>Runs a PostgreSQL client tool as the cluster's superuser, the password in the environment (not on the command line).</summary>
    private static async Task ToolAsync(LocalPostgresCluster cluster, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(ClientTool(tool)) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["--host", cluster.Host, "--port", cluster.Port.ToString(CultureInfo.InvariantCulture), "--username", "postgres", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(cluster.SuperuserConnectionString).Password;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    /// <summary>The newest installed client tool (same major as the servers the tests start), else the one on the PATH.</summary>
    private static string ClientTool(string tool) =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin", tool))
                .Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var major) ? major : 0)
                .FirstOrDefault() ?? tool
            : tool;

    // The target cluster has its own bootstrap superuser; restoring the source's would change its password.
    [GeneratedRegex(@"^(CREATE|ALTER) ROLE postgres[ ;].*$\n?", RegexOptions.Multiline)]
    private static partial Regex BootstrapSuperuser();
}
