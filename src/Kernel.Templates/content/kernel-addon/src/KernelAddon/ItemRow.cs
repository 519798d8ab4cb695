using LinqToDB.Mapping;

namespace KernelAddon;

/// <summary>A row of <c>kerneladdon.items</c>. Tenant isolation is the database's job (row-level security), not this type's.</summary>
[Table(Schema = KernelAddonAddon.Name, Name = "items")]
internal sealed class ItemRow
{
    [Column("tenant_id"), PrimaryKey(0)]
    public Guid TenantId { get; set; }

    [Column("id"), PrimaryKey(1)]
    public Guid Id { get; set; }

    [Column("title"), NotNull]
    public string Title { get; set; } = "";

    [Column("created_by"), NotNull]
    public string CreatedBy { get; set; } = "";

    [Column("created_at"), NotNull]
    public DateTimeOffset CreatedAt { get; set; }

    [Column("stamped_at"), Nullable]
    public DateTimeOffset? StampedAt { get; set; }
}
