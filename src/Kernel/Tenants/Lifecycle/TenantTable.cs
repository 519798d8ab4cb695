using System.Globalization;
using System.Text;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// A tenant table: a table (or partitioned table) with a <c>tenant_id</c> column, whose rows are the tenant's data
/// (exported, imported and erased with it).
/// </summary>
/// <param name="Schema">The schema name as stored.</param>
/// <param name="Name">The table name as stored.</param>
/// <param name="QuotedName">The qualified name quoted by PostgreSQL (<c>format('%I.%I')</c>), for SQL text.</param>
/// <param name="IsPartitioned">A partitioned table: its partitions are reached through it and are not listed themselves.</param>
/// <param name="Columns">Every column in table order.</param>
/// <param name="PrimaryKey">The primary key's columns (quoted) in key order; empty when the table has none.</param>
internal sealed record TenantTable(
    string Schema,
    string Name,
    string QuotedName,
    bool IsPartitioned,
    IReadOnlyList<TenantColumn> Columns,
    IReadOnlyList<string> PrimaryKey)
{
    /// <summary><c>schema.table</c>, unquoted: how logs, results and the archive name the table.</summary>
    public string DisplayName => $"{Schema}.{Name}";

    /// <summary>
    /// The table's file in an export archive, <c>schema.table.ndjson</c>. Characters that could make a path of it
    /// (or that archive tools mangle) are percent-escaped, so the name is stable and never leaves the archive's root.
    /// </summary>
    public string FileName => $"{Escape(Schema)}.{Escape(Name)}.ndjson";

    /// <summary>
    /// The table to read from or delete in: <c>only</c> the table itself for a plain table (an inheritance child is a
    /// tenant table of its own), the whole tree for a partitioned one.
    /// </summary>
    public string Source => IsPartitioned ? QuotedName : "only " + QuotedName;

    /// <summary>An order that makes reads deterministic: the primary key, else the row's own JSON text.</summary>
    public string OrderBy => PrimaryKey.Count > 0 ? string.Join(", ", PrimaryKey.Select(c => "t." + c)) : "row_to_json(t)::text";

    /// <summary>Whether any column is an identity <c>generated always</c>.</summary>
    public bool HasIdentityAlways => Columns.Any(c => c.IdentityAlways);

    private static string Escape(string identifier)
    {
        var builder = new StringBuilder(identifier.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in identifier.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '$')
            {
                builder.Append(rune.ToString());
            }
            else
            {
                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return builder.ToString();
    }
}
