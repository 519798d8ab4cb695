namespace Kernel.Tenants.Lifecycle;

/// <summary>The exported tenant, as the registry had it in the export's snapshot.</summary>
/// <param name="Id">The tenant id; an import accepts the archive only for this tenant.</param>
/// <param name="Slug">Its slug.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Status">Its status when exported.</param>
internal sealed record TenantArchiveTenant(Guid Id, string Slug, string Name, string Status);
