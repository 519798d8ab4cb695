using LinqToDB.Mapping;

namespace Kernel.Benchmarks.Bench;

/// <summary>A row of <c>bench.items</c> (the bench addon's tenant table, under RLS).</summary>
[Table(Schema = "bench", Name = "items")]
internal sealed class ItemRow
{
    [Column("tenant_id"), PrimaryKey(0)]
    public Guid TenantId { get; set; }

    [Column("id"), PrimaryKey(1)]
    public Guid Id { get; set; }

    [Column("name"), NotNull]
    public string Name { get; set; } = "";
}
