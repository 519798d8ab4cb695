using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WebHost.Demo;

/// <summary>
/// Counts a tenant's rows in every table that has a <c>tenant_id</c> column, as PostgreSQL's catalog lists them — the
/// same rule erasure follows — so the demo can show what erasure left, from outside the API.
/// </summary>
[SuppressMessage("Kernel.Data", "KRN3001", Justification = "A check from outside the API: the owner role, under the tenant's context, reads what erasure left.")]
internal sealed class TenantRows(string ownerConnectionString)
{
    // Under the tenant's own context (the owner is subject to forced RLS too), one count per table; query_to_xml runs
    // each count with identifiers and the tenant quoted by format(), so nothing is spliced in from outside.
    private const string CountSql =
        """
        select n.nspname || '.' || c.relname,
               (xpath('/row/n/text()', query_to_xml(
                   format('select count(*) as n from %I.%I where tenant_id = %L', n.nspname, c.relname, $1::text), false, true, '')))[1]::text::bigint
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
         where c.relkind in ('r', 'p') and not c.relispartition
           and n.nspname not in ('pg_catalog', 'information_schema')
         order by 1
        """;

    public static TenantRows For(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<Kernel.KernelOptions>>().Value.Database.OwnerConnectionString
            ?? throw new InvalidOperationException("No owner connection string (ConnectionStrings:KernelOwner)."));

    /// <summary>The tenant's rows per table, every table with a <c>tenant_id</c> column included (zeros too).</summary>
    public async Task<IReadOnlyList<(string Table, long Rows)>> CountAsync(Guid tenant)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("select set_config('app.tenant_id', $1, true)", connection, transaction))
        {
            context.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
            await context.ExecuteNonQueryAsync();
        }

        await using var count = new NpgsqlCommand(CountSql, connection, transaction);
        count.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
        var rows = new List<(string, long)>();
        await using var reader = await count.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    public static string Describe(IReadOnlyList<(string Table, long Rows)> counts) =>
        $"{counts.Sum(c => c.Rows)} row(s) in {counts.Count} tenant_id table(s): " +
        string.Join(", ", counts.Select(c => $"{c.Table} {c.Rows}"));
}
