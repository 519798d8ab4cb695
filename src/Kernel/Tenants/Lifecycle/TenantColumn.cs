namespace Kernel.Tenants.Lifecycle;

/// <summary>A column of a tenant table, as the catalog describes it.</summary>
/// <param name="Name">The column name as stored (unquoted).</param>
/// <param name="QuotedName">The name quoted by PostgreSQL (<c>quote_ident</c>), for SQL text.</param>
/// <param name="Type">The type as <c>format_type</c> writes it, e.g. <c>timestamp with time zone</c>.</param>
/// <param name="IdentityAlways">An identity column <c>generated always</c>: an insert with its value needs <c>overriding system value</c>.</param>
/// <param name="Generated">A generated (computed) column: exported, never inserted.</param>
/// <param name="Sequence">The sequence behind an identity or serial column (qualified, as text), else <see langword="null"/>.</param>
internal sealed record TenantColumn(string Name, string QuotedName, string Type, bool IdentityAlways, bool Generated, string? Sequence);
