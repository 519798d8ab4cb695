namespace Kernel.Tenants.Lifecycle;

/// <summary>The answer of <c>DELETE /api/platform/tenants/{id}</c>: the tenant's status and the rows erased per tenant table.</summary>
/// <param name="Id">The tenant id.</param>
/// <param name="Status">Its status: <c>erased</c>.</param>
/// <param name="RowsDeleted">Rows deleted per tenant table (<c>schema.table</c>), over every attempt of this erasure.</param>
internal sealed record TenantErasureResult(Guid Id, string Status, IReadOnlyDictionary<string, long> RowsDeleted);
