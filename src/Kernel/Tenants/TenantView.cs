namespace Kernel.Tenants;

/// <summary>A registered tenant as platform operators see it (the body of the operator routes), with its plan and every addon on for it.</summary>
internal sealed record TenantView(
    Guid Id,
    string Slug,
    string Name,
    string Status,
    string? StatusReason,
    IReadOnlyList<string> ExternalIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    string? Plan,
    IReadOnlyList<string> Addons);
