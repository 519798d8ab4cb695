using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// Every tenant table, from PostgreSQL's catalog rather than from a list anyone keeps: each table or partitioned
/// table outside <c>pg_catalog</c> and <c>information_schema</c> with a <c>tenant_id</c> column, its columns, its
/// primary key, and the foreign keys among them, ordered parents first (the order rows come back in on import) and
/// children first (the order erasure deletes them in). Loading refuses a schema whose tenant rows could escape
/// erasure (see <see cref="CheckErasableAsync(NpgsqlConnection, CancellationToken)"/>).
/// </summary>
internal sealed class TenantTables
{
    private const string TablesSql =
        """
        select c.oid::bigint, n.nspname, c.relname, format('%I.%I', n.nspname, c.relname), c.relkind = 'p',
               coalesce((select array_agg(quote_ident(a.attname) order by k.ord)
                           from pg_constraint p
                           cross join lateral unnest(p.conkey) with ordinality as k(attnum, ord)
                           join pg_attribute a on a.attrelid = p.conrelid and a.attnum = k.attnum
                          where p.conrelid = c.oid and p.contype = 'p'), '{}'),
               not (c.relrowsecurity and c.relforcerowsecurity) or exists (
                   select 1 from pg_policy p
                    where p.polrelid = c.oid and p.polpermissive and p.polcmd in ('*', 'r')
                      and (0::oid = any (p.polroles) or exists (select 1 from unnest(p.polroles) as r(role) where pg_has_role(c.relowner, r.role, 'USAGE')))),
               not (c.relrowsecurity and c.relforcerowsecurity) or exists (
                   select 1 from pg_policy p
                    where p.polrelid = c.oid and p.polpermissive and p.polcmd in ('*', 'd')
                      and (0::oid = any (p.polroles) or exists (select 1 from unnest(p.polroles) as r(role) where pg_has_role(c.relowner, r.role, 'USAGE'))))
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p') and not c.relispartition and c.relpersistence <> 't'
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%'
           and exists (select 1 from pg_attribute a
                        where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped)
         order by n.nspname, c.relname
        """;

    private const string ColumnsSql =
        """
        select a.attrelid::bigint, a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
               a.attidentity = 'a', a.attgenerated <> '',
               pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname)
          from pg_attribute a
          join pg_class c on c.oid = a.attrelid
          join pg_namespace n on n.oid = c.relnamespace
         where a.attrelid = any($1::bigint[]::oid[]) and a.attnum > 0 and not a.attisdropped
         order by a.attrelid, a.attnum
        """;

    // Constraints cloned onto partitions (conparentid <> 0) are the same key as their parent's; a partition's side of
    // a key counts as its partitioned table's.
    private const string ForeignKeysSql =
        """
        select con.conname,
               r.child::bigint, format('%s.%s', chn.nspname, ch.relname),
               r.parent::bigint, format('%s.%s', pan.nspname, pa.relname),
               (select array_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum),
               (select array_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality as k(attnum, ord)
                  join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum)
          from pg_constraint con
          cross join lateral (select coalesce(pg_partition_root(con.conrelid), con.conrelid) as child,
                                     coalesce(pg_partition_root(con.confrelid), con.confrelid) as parent) r
          join pg_class ch on ch.oid = r.child
          join pg_namespace chn on chn.oid = ch.relnamespace
          join pg_class pa on pa.oid = r.parent
          join pg_namespace pan on pan.oid = pa.relnamespace
         where con.contype = 'f' and con.conparentid = 0
         order by 3, 1
        """;

    private readonly Dictionary<(string Schema, string Name), TenantTable> _byName;

    private TenantTables(IReadOnlyList<TenantTable> parentsFirst, IReadOnlyList<TenantForeignKey> foreignKeys)
    {
        ParentsFirst = parentsFirst;
        ChildrenFirst = parentsFirst.Reverse().ToList();
        ForeignKeys = foreignKeys;
        _byName = parentsFirst.ToDictionary(t => (t.Schema, t.Name));
    }

    /// <summary>Every tenant table, each after every table it references: the order to insert rows in.</summary>
    public IReadOnlyList<TenantTable> ParentsFirst { get; }

    /// <summary>Every tenant table, each before every table it references: the order to delete rows in.</summary>
    public IReadOnlyList<TenantTable> ChildrenFirst { get; }

    /// <summary>The foreign keys among tenant tables.</summary>
    public IReadOnlyList<TenantForeignKey> ForeignKeys { get; }

    /// <summary>The tenant table <paramref name="schema"/>.<paramref name="name"/>, or <see langword="null"/>.</summary>
    public TenantTable? Find(string schema, string name) => _byName.GetValueOrDefault((schema, name));

    /// <summary>
    /// Refuses, at start-up, a schema whose tenant rows could escape erasure (or could not be put back by import): a
    /// foreign-key cycle among tenant tables (a table referencing itself included), a table without <c>tenant_id</c>
    /// with a foreign key into a tenant table, a foreign key between tenant tables that does not pair
    /// <c>tenant_id</c> with <c>tenant_id</c>, and a tenant table under forced row-level security with no policy
    /// that lets its owner read or delete rows. Reads only the catalog, so any role may run it. Forced row-level
    /// security on every tenant table is <c>RuntimeRoleGuard</c>'s check.
    /// </summary>
    /// <param name="dataSource">Any data source of the database (the runtime role's will do).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the check passed.</returns>
    /// <exception cref="InvalidOperationException">The schema has one of the problems above; the message names the tables and what to do.</exception>
    public static async Task CheckErasableAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await CheckErasableAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="CheckErasableAsync(NpgsqlDataSource, CancellationToken)"/>
    /// <param name="connection">An open connection to the database.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public static async Task CheckErasableAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        _ = await LoadAsync(connection, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Reads the catalog on <paramref name="connection"/> (inside its transaction, if one is open, so the tables are
    /// those of that transaction's snapshot).
    /// </summary>
    /// <exception cref="InvalidOperationException">Tenant rows could escape erasure; see <see cref="CheckErasableAsync(NpgsqlConnection, CancellationToken)"/>.</exception>
    public static async Task<TenantTables> LoadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = new List<(long Oid, string Schema, string Name, string Quoted, bool Partitioned, string[] PrimaryKey)>();
        var problems = new List<string>();
        await using (var command = new NpgsqlCommand(TablesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4), reader.GetFieldValue<string[]>(5)));
                if (!reader.GetBoolean(6) || !reader.GetBoolean(7))
                {
                    var name = $"{reader.GetString(1)}.{reader.GetString(2)}";
                    problems.Add(
                        $"No row-level security policy of {name} lets its owner {(reader.GetBoolean(6) ? "delete" : "read")} rows, and the owner is " +
                        "subject to its forced RLS too, so erasure (which runs as the owner under the tenant's context) could neither reach nor count them. " +
                        $"Add a policy for the owner, as kernel.audit_log has: create policy tenant_erase on {name} for delete to <owner role> " +
                        "using (tenant_id = kernel.current_tenant_id()) (with a select policy too if none applies to every role).");
                }
            }
        }

        var columns = tables.ToDictionary(t => t.Oid, _ => new List<TenantColumn>());
        await using (var command = new NpgsqlCommand(ColumnsSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = tables.Select(t => t.Oid).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns[reader.GetInt64(0)].Add(new TenantColumn(
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetBoolean(4),
                    reader.GetBoolean(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var byOid = tables.ToDictionary(
            t => t.Oid,
            t => new TenantTable(t.Schema, t.Name, t.Quoted, t.Partitioned, columns[t.Oid], t.PrimaryKey));
        var foreignKeys = new List<TenantForeignKey>();
        await using (var command = new NpgsqlCommand(ForeignKeysSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                var child = byOid.GetValueOrDefault(reader.GetInt64(1));
                var childName = reader.GetString(2);
                var parent = byOid.GetValueOrDefault(reader.GetInt64(3));
                var childColumns = reader.GetFieldValue<string[]>(5);
                var parentColumns = reader.GetFieldValue<string[]>(6);
                if (parent is null)
                {
                    continue; // A tenant table referencing platform data (or unrelated tables): nothing of the tenant's on the other side.
                }

                if (child is null)
                {
                    problems.Add(
                        $"{childName} has no tenant_id column but its foreign key {name} references the tenant table {parent.DisplayName}: " +
                        $"erasing a tenant would fail on it, or cascade into rows that are not the tenant's data. Give {childName} a tenant_id " +
                        "column (under forced row-level security) so its rows are erased with their tenant, or drop the foreign key.");
                    continue;
                }

                var childTenant = Array.IndexOf(childColumns, "tenant_id");
                if (childTenant < 0 || parentColumns[childTenant] != "tenant_id")
                {
                    problems.Add(
                        $"The foreign key {name} of {child.DisplayName} references {parent.DisplayName} without pairing tenant_id with tenant_id, so a row " +
                        "could reference another tenant's row, and erasing one tenant would fail or reach into another's. Lead the key with tenant_id: " +
                        $"foreign key (tenant_id, …) references {parent.DisplayName} (tenant_id, …).");
                    continue;
                }

                foreignKeys.Add(new TenantForeignKey(name, child.DisplayName, parent.DisplayName));
            }
        }

        var ordered = ParentsFirstOrder(byOid.Values.OrderBy(t => t.DisplayName, StringComparer.Ordinal).ToList(), foreignKeys, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Tenant data could escape erasure. Every table with a tenant_id column is exported, imported and erased with its tenant, " +
                $"in foreign-key order (children are deleted before parents); these tables break that: {string.Join(" ", problems)}");
        }

        return new TenantTables(ordered, foreignKeys);
    }

    /// <summary>Kahn's algorithm, taking the first ready table by name each time so the order is stable; a cycle is a problem naming its chain.</summary>
    private static List<TenantTable> ParentsFirstOrder(List<TenantTable> tables, List<TenantForeignKey> foreignKeys, List<string> problems)
    {
        var parentsOf = tables.ToDictionary(t => t.DisplayName, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var key in foreignKeys)
        {
            parentsOf[key.Child].Add(key.Parent);
        }

        var ordered = new List<TenantTable>(tables.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var remaining = new List<TenantTable>(tables);
        while (remaining.Count > 0)
        {
            var ready = remaining.FirstOrDefault(t => parentsOf[t.DisplayName].All(placed.Contains));
            if (ready is null)
            {
                problems.Add(CycleProblem(remaining, parentsOf, foreignKeys));
                ordered.AddRange(remaining);
                break;
            }

            ordered.Add(ready);
            placed.Add(ready.DisplayName);
            remaining.Remove(ready);
        }

        return ordered;
    }

    /// <summary>Walks parent links from a table that is not placed until a table repeats: that stretch is a cycle.</summary>
    private static string CycleProblem(List<TenantTable> remaining, Dictionary<string, HashSet<string>> parentsOf, List<TenantForeignKey> foreignKeys)
    {
        var unplaced = remaining.Select(t => t.DisplayName).ToHashSet(StringComparer.Ordinal);
        var path = new List<string>();
        var current = remaining[0].DisplayName;
        while (!path.Contains(current))
        {
            path.Add(current);
            current = parentsOf[current].Where(unplaced.Contains).Order(StringComparer.Ordinal).First();
        }

        var cycle = path.Skip(path.IndexOf(current)).Append(current).ToList();
        var keys = cycle.Zip(cycle.Skip(1), (child, parent) => foreignKeys.First(k => k.Child == child && k.Parent == parent).Name);
        return
            $"Foreign keys form a cycle among tenant tables: {string.Join(" → ", cycle)} (constraints {string.Join(", ", keys)}). " +
            "Erasure deletes children before parents and import inserts parents before children, so a cycle (a table referencing itself " +
            "included) has no order to do either in batches. Drop one of these foreign keys (keeping its column), or move the reference into a " +
            "link table of its own that references both sides.";
    }
}
