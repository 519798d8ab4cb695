namespace Kernel.Tenants.Lifecycle;

/// <summary>One tenant table's file in an export archive.</summary>
/// <param name="Name">The table, <c>schema.table</c>.</param>
/// <param name="Schema">Its schema as stored.</param>
/// <param name="Table">Its name as stored.</param>
/// <param name="File">The archive entry holding its rows: one <c>row_to_json</c> object per line, in primary-key order.</param>
/// <param name="Columns">The table's columns when exported, in table order (an import restores exactly these).</param>
/// <param name="Rows">The number of rows (lines) in <paramref name="File"/>.</param>
/// <param name="Sha256">The SHA-256 of <paramref name="File"/>'s bytes, lower-case hex.</param>
internal sealed record TenantArchiveTable(string Name, string Schema, string Table, string File, IReadOnlyList<string> Columns, long Rows, string Sha256);
