namespace Addons.Requests;

/// <summary>A row of <c>requests.overdue_requests(…)</c>.</summary>
internal sealed class OverdueRow
{
    public Guid TenantId { get; set; }

    public Guid Id { get; set; }
}
