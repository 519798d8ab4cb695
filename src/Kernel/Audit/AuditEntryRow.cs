using LinqToDB.Mapping;

namespace Kernel.Audit;

/// <summary>A row of <c>kernel.audit_log</c>.</summary>
[Table(Schema = "kernel", Name = "audit_log")]
internal sealed class AuditEntryRow
{
    [Column("tenant_id"), PrimaryKey(0)]
    public Guid TenantId { get; set; }

    [Column("id"), PrimaryKey(1), Identity]
    public long Id { get; set; }

    [Column("occurred_at"), NotNull]
    public DateTimeOffset OccurredAt { get; set; }

    [Column("actor_id"), NotNull]
    public string ActorId { get; set; } = "";

    [Column("action"), NotNull]
    public string Action { get; set; } = "";

    [Column("target_type"), Nullable]
    public string? TargetType { get; set; }

    [Column("target_id"), Nullable]
    public string? TargetId { get; set; }

    [Column("outcome"), NotNull]
    public string Outcome { get; set; } = "";

    [Column("status"), NotNull]
    public int Status { get; set; }

    [Column("correlation_id"), NotNull]
    public string CorrelationId { get; set; } = "";

    [Column("trace_id"), Nullable]
    public string? TraceId { get; set; }
}
