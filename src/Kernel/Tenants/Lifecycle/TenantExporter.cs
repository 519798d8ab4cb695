using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// Opens a tenant's export: one snapshot of the tenant's rows in every tenant table, on the owner's connection, from
/// which <see cref="TenantExport.WriteAsync"/> streams the archive.
/// </summary>
internal sealed partial class TenantExporter(TenantOwnerDataSource owner, TimeProvider time, ILogger<TenantExporter> logger)
{
    /// <summary>
    /// Begins the snapshot (<c>repeatable read read only</c>) and reads, in it, the tenant, the catalog and the
    /// migration journal. Throws the envelope's failures before anything is written: 503 without an owner connection,
    /// 404 for an unknown tenant, 409 for a tenant being erased (its data is partial).
    /// </summary>
    public async Task<TenantExport> OpenAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var dataSource = owner.Get();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (var readOnly = new NpgsqlCommand("set transaction read only", connection))
            {
                await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await LifecycleRegistry.SetContextAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
            var tenant = await LifecycleRegistry.FindAsync(connection, tenantId, forUpdate: false, cancellationToken).ConfigureAwait(false)
                ?? throw KernelException.NotFound("Tenant");
            if (tenant.Status == TenantStatus.Erasing)
            {
                throw KernelException.Conflict("The tenant is being erased and its data is partial; finish the erasure (DELETE it again) before exporting.");
            }

            var tables = await TenantTables.LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            var journal = await LifecycleRegistry.JournalAsync(connection, cancellationToken).ConfigureAwait(false);
            LogOpened(logger, tenant.Id, tables.ParentsFirst.Count);
            return new TenantExport(connection, transaction, tenant, tables, journal, time.GetUtcNow(), logger);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Exporting tenant {Tenant}: {Tables} tenant tables in one snapshot")]
    private static partial void LogOpened(ILogger logger, Guid tenant, int tables);
}
