namespace Kernel.Tenants.Lifecycle;

/// <summary>The answer of <c>POST /api/platform/tenants/{id}/import</c>: the tenant's status and the rows restored per tenant table.</summary>
/// <param name="Id">The tenant id.</param>
/// <param name="Status">Its status after the import (an erased tenant is active again).</param>
/// <param name="RowsImported">Rows inserted per tenant table (<c>schema.table</c>) of the archive.</param>
internal sealed record TenantImportResult(Guid Id, string Status, IReadOnlyDictionary<string, long> RowsImported);
