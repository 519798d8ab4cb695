namespace Kernel.Tenants.Lifecycle;

/// <summary>A foreign key between two tenant tables: the child's rows must go before the parent's, and come back after them.</summary>
/// <param name="Name">The constraint name.</param>
/// <param name="Child">The referencing table (<c>schema.table</c>).</param>
/// <param name="Parent">The referenced table (<c>schema.table</c>).</param>
internal sealed record TenantForeignKey(string Name, string Child, string Parent);
