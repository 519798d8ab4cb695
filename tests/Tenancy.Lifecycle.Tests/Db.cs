using Kernel.Testing;
using Npgsql;
using Tenancy.Lifecycle.TestHost;

namespace Tenancy.Lifecycle.Tests;

/// <summary>
/// One private cluster for this test assembly, and SQL helpers. Arranging goes through the owner role (like the
/// kernel); inspecting goes through the superuser, which row-level security does not bind, so an assertion that no row
/// is left cannot be fooled by a policy hiding one.
/// </summary>
internal static class Db
{
    private static readonly Lazy<Task<LocalPostgresCluster>> Shared = new(() => LocalPostgresCluster.StartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<LocalPostgresCluster> ClusterAsync() => Shared.Value;

    /// <summary>A migrated database (kernel + the lifecycle test addon) on the shared cluster.</summary>
    public static async Task<KernelTestDatabase> CreateAsync() => await KernelTestDatabase.CreateAsync(await ClusterAsync(), new LifecycleTestAddon());

    public static async Task<string> SuperuserAsync(KernelTestDatabase database) =>
        new NpgsqlConnectionStringBuilder((await ClusterAsync()).SuperuserConnectionString) { Database = database.Name }.ConnectionString;

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    public static Task<string> StatusAsync(KernelTestDatabase database, Guid tenant) =>
        ScalarAsync<string>(database.OwnerConnectionString, "select status from kernel.tenants where id = $1", tenant);

    public static Task SuspendAsync(KernelTestDatabase database, Guid tenant) =>
        ExecuteAsync(database.OwnerConnectionString, "select kernel.tenant_set_status($1, '{active}', 'suspended', 'tests', null)", tenant);

    /// <summary>
    /// Every table with a tenant_id column, found in the catalog here (not from the kernel's code), with the tenant's
    /// row count and the md5 of its rows' JSON in a fixed order: equal fingerprints, equal rows. After an import,
    /// <paramref name="withoutImportEntry"/> leaves out the one row the import itself added: its own entry in the
    /// tenant's audit log (the route wrapper files every operator action there).
    /// </summary>
    public static async Task<Dictionary<string, (long Rows, string Md5)>> FingerprintAsync(KernelTestDatabase database, Guid tenant, bool withoutImportEntry = false)
    {
        await using var connection = new NpgsqlConnection(await SuperuserAsync(database));
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand(
            """
            select format('%I.%I', n.nspname, c.relname)
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where c.relkind in ('r', 'p') and not c.relispartition and n.nspname not in ('pg_catalog', 'information_schema')
               and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
             order by 1
            """,
            connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"select count(*), md5(coalesce(string_agg(row_to_json(t)::text, E'\\n' order by row_to_json(t)::text), '')) from {table} t where t.tenant_id = $1"
                    + (withoutImportEntry && table == "kernel.audit_log" ? " and t.action <> 'kernel.tenants.import'" : string.Empty),
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = tenant });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[table] = (reader.GetInt64(0), reader.GetString(1));
        }

        return result;
    }

    /// <summary>
    /// Registers a tenant and gives it about 1 + 5 + 10 + 1 = 17 rows per <paramref name="scale"/> in the test addon's
    /// tables, plus role grants, audit entries and jobs in the kernel's: <paramref name="marker"/> is written into text,
    /// JSON and array values alike (a canary, for other tenants).
    /// </summary>
    public static async Task SeedAsync(KernelTestDatabase database, Guid tenant, string slug, int scale, string marker)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in SeedSql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Every statement gets all four parameters; each uses what it needs.
            var command = new NpgsqlBatchCommand(statement);
            command.Parameters.Add(new NpgsqlParameter { Value = tenant });
            command.Parameters.Add(new NpgsqlParameter { Value = slug });
            command.Parameters.Add(new NpgsqlParameter { Value = marker });
            command.Parameters.Add(new NpgsqlParameter { Value = scale });
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private const string SeedSql =
        """
            select kernel.tenant_create($1, $2, $2, '{}');
            select set_config('app.tenant_id', $1::text, true);
            insert into lt.a (name, payload)
                 select 'a-' || g || ' ' || $3, jsonb_build_object('n', g, 'marker', $3, 'nested', jsonb_build_array(g, 'x', null))
                   from generate_series(1, $4) g;
            insert into lt.b (id, a_id, note, amount, tags)
                 select gen_random_uuid(), a.id, E'note\nwith a line break, "quotes", ünïcode ' || $3 || ' ' || k, round((a.id * k) / 7.0, 2),
                        array['t' || k, $3]
                   from lt.a a cross join generate_series(1, 5) k where a.tenant_id = $1;
            insert into lt.c (b_id, seq, data, doc)
                 select b.id, s, decode(md5(b.id::text || s), 'hex'), json_build_object('s', s, 'm', $3)
                   from lt.b b cross join generate_series(1, 2) s where b.tenant_id = $1;
            insert into lt.loose (label, at)
                 select 'loose ' || $3 || ' ' || g, timestamp '2024-01-01' + g * interval '1 minute' from generate_series(1, $4) g;
            insert into kernel.role_grants (role, permissions, updated_at, updated_by) values ('member', array['lt.read'], now(), $3);
            insert into kernel.audit_log (occurred_at, actor_id, action, target_type, target_id, outcome, status, correlation_id)
                 select now(), 'actor ' || $3, 'lt.seed', 'a', g::text, 'success', 200, 'seed-' || g from generate_series(1, 20) g;
            insert into kernel.jobs (id, type, tenant_id, correlation_id, payload, run_at, state, max_attempts)
                 select gen_random_uuid(), 'lt.job', $1, 'seed', jsonb_build_object('marker', $3), now(), 'succeeded', 3 from generate_series(1, 10);
            """;

    /// <summary>The rows <see cref="SeedAsync"/> writes for <paramref name="scale"/>.</summary>
    public static long SeededRows(int scale) => (scale * 17L) + 1 + 20 + 10;

    /// <summary>The platform audit stream's actions on <paramref name="tenant"/> (action, actor, outcome, details), oldest first.</summary>
    public static async Task<List<(string Action, string Actor, string Outcome, string? Details)>> PlatformAuditAsync(KernelTestDatabase database, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select action, actor_id, outcome, details::text from kernel.platform_audit where target_tenant = $1 order by id", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        var entries = new List<(string, string, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            entries.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return entries;
    }

    /// <summary>How many entries of <paramref name="action"/> the tenant's own audit log holds.</summary>
    public static async Task<long> TenantAuditCountAsync(KernelTestDatabase database, Guid tenant, string action)
    {
        await using var connection = new NpgsqlConnection(await SuperuserAsync(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from kernel.audit_log where tenant_id = $1 and action = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = action });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
