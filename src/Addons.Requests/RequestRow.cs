using LinqToDB.Mapping;

namespace Addons.Requests;

/// <summary>A row of <c>requests.requests</c>. Tenant isolation is the database's job (RLS), not this type's.</summary>
[Table(Schema = "requests", Name = "requests")]
internal sealed class RequestRow
{
    [Column("tenant_id"), PrimaryKey(0)]
    public Guid TenantId { get; set; }

    [Column("id"), PrimaryKey(1)]
    public Guid Id { get; set; }

    [Column("title"), NotNull]
    public string Title { get; set; } = "";

    [Column("body"), NotNull]
    public string Body { get; set; } = "";

    [Column("status"), NotNull]
    public string Status { get; set; } = RequestStatus.Open;

    [Column("priority"), NotNull]
    public string Priority { get; set; } = RequestPriority.Normal;

    [Column("requested_by"), NotNull]
    public string RequestedBy { get; set; } = "";

    [Column("assignee"), Nullable]
    public string? Assignee { get; set; }

    [Column("due_at"), Nullable]
    public DateTimeOffset? DueAt { get; set; }

    [Column("created_at"), NotNull]
    public DateTimeOffset CreatedAt { get; set; }

    [Column("updated_at"), NotNull]
    public DateTimeOffset UpdatedAt { get; set; }

    [Column("version"), NotNull]
    public int Version { get; set; }
}
