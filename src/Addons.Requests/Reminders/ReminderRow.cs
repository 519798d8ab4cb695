using LinqToDB.Mapping;

namespace Addons.Requests;

/// <summary>A row of <c>requests.reminders</c>.</summary>
[Table(Schema = "requests", Name = "reminders")]
internal sealed class ReminderRow
{
    [Column("tenant_id"), PrimaryKey(0)]
    public Guid TenantId { get; set; }

    [Column("id"), PrimaryKey(1)]
    public Guid Id { get; set; }

    [Column("request_id"), NotNull]
    public Guid RequestId { get; set; }

    [Column("reminded_by"), NotNull]
    public string RemindedBy { get; set; } = "";

    [Column("created_at"), NotNull]
    public DateTimeOffset CreatedAt { get; set; }
}
