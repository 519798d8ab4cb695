using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// Erases a suspended tenant's data: every row of it in every tenant table the catalog names, children before
/// parents, in bounded batches, each batch a short transaction of its own on the owner's connection under the tenant's
/// context (plus an explicit <c>tenant_id</c> filter) that also adds its count to <c>kernel.tenant_erasures</c> — so a
/// crash loses nothing and calling it again resumes. It then verifies that no row is left in any tenant table and
/// marks the tenant <c>erased</c>. The registry entry, its external ids and the platform audit stream stay.
/// </summary>
internal sealed partial class TenantEraser(TenantOwnerDataSource owner, TenantCache cache, IOptions<KernelOptions> options, ILogger<TenantEraser> logger)
{
    // One erasure of a tenant at a time, across instances: a session lock on the erasing connection, which a crash
    // releases with the session.
    private const string TryLock = "select pg_try_advisory_lock(hashtextextended('kernel.tenant_erase:' || $1::text, 0))";
    private const string Unlock = "select pg_advisory_unlock(hashtextextended('kernel.tenant_erase:' || $1::text, 0))";

    private const string Counts = "select table_name, rows_deleted from kernel.tenant_erasures where tenant = $1 order by table_name";

    private readonly int _batchSize = options.Value.Tenancy.ErasureBatchSize;

    /// <summary>
    /// Erases <paramref name="tenantId"/>'s data, or resumes its erasure. 404 for an unknown tenant, 409 for an active
    /// one (suspend it first) or one another erasure is working on; an erased tenant answers its counts again. A row
    /// left after the last batch fails (500) with the table in the log, and the tenant stays <c>erasing</c>.
    /// </summary>
    public async Task<TenantErasureResult> EraseAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var dataSource = owner.Get();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await ScalarAsync<bool>(connection, TryLock, cancellationToken, tenantId).ConfigureAwait(false))
        {
            var busy = await LifecycleRegistry.FindAsync(connection, tenantId, forUpdate: false, cancellationToken).ConfigureAwait(false);
            throw busy is null
                ? KernelException.NotFound("Tenant")
                : KernelException.Conflict("Another request is erasing this tenant right now; wait for it to finish, then ask again.");
        }

        try
        {
            var tenant = await LifecycleRegistry.FindAsync(connection, tenantId, forUpdate: false, cancellationToken).ConfigureAwait(false)
                ?? throw KernelException.NotFound("Tenant");
            switch (tenant.Status)
            {
                case TenantStatus.Erased:
                    return new TenantErasureResult(tenant.Id, TenantStatus.Erased, await CountsAsync(connection, tenantId, cancellationToken).ConfigureAwait(false));
                case TenantStatus.Active:
                    throw KernelException.Conflict("The tenant is active. Suspend it first (its users and jobs stop), then erase it.");
                case TenantStatus.Suspended:
                    await BeginAsync(connection, tenant, cancellationToken).ConfigureAwait(false);
                    break;
            }

            var tables = await TenantTables.LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var table in tables.ChildrenFirst)
            {
                await EraseTableAsync(connection, table, tenantId, cancellationToken).ConfigureAwait(false);
            }

            await VerifyAsync(connection, tables, tenantId, cancellationToken).ConfigureAwait(false);
            if (await LifecycleRegistry.SetStatusAsync(connection, tenantId, [TenantStatus.Erasing], TenantStatus.Erased, tenant.StatusReason, cancellationToken).ConfigureAwait(false) is not > 0)
            {
                throw new InvalidOperationException($"Tenant {tenantId} left the erasing status while it was being erased.");
            }

            cache.Evict(tenantId); // This instance's next request sees the erasure before the NOTIFY comes back.
            var counts = await CountsAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
            LogErased(logger, tenantId, counts.Count, counts.Values.Sum());
            return new TenantErasureResult(tenantId, TenantStatus.Erased, counts);
        }
        finally
        {
            await UnlockAsync(connection, tenantId).ConfigureAwait(false);
        }
    }

    /// <summary>Suspended → erasing, and a fresh progress record, in one transaction: an erasure counts its own rows only.</summary>
    private async Task BeginAsync(NpgsqlConnection connection, RegisteredTenant tenant, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var version = await LifecycleRegistry.SetStatusAsync(connection, tenant.Id, [TenantStatus.Suspended], TenantStatus.Erasing, tenant.StatusReason, cancellationToken).ConfigureAwait(false);
        if (version is not > 0)
        {
            // Changed since it was read (resumed, say): tell the caller what it is now.
            throw KernelException.Conflict("The tenant's status changed while the erasure was starting; read it again and retry.");
        }

        await using (var reset = new NpgsqlCommand("delete from kernel.tenant_erasures where tenant = $1", connection))
        {
            reset.Parameters.Add(new NpgsqlParameter { Value = tenant.Id });
            await reset.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, tenant.Id, _batchSize);
    }

    /// <summary>Deletes the tenant's rows of one table in batches until a batch comes back short.</summary>
    private async Task EraseTableAsync(NpgsqlConnection connection, TenantTable table, Guid tenantId, CancellationToken cancellationToken)
    {
        // The batch's key: the primary key, else the row's physical address (with its partition, where ctid repeats).
        var key = table.PrimaryKey.Count > 0 ? table.PrimaryKey : ["tableoid", "ctid"];
        var sql =
            $"""
            with deleted as (
                delete from {table.Source} t
                 where t.tenant_id = $1
                   and ({string.Join(", ", key.Select(c => "t." + c))}) in (
                       select {string.Join(", ", key.Select(c => "s." + c))} from {table.Source} s where s.tenant_id = $1 limit $2)
                returning 1
            ),
            batch as (select count(*) as n from deleted),
            progress as (
                insert into kernel.tenant_erasures as e (tenant, table_name, rows_deleted)
                select $1, $3, n from batch
                on conflict (tenant, table_name) do update
                   set rows_deleted = e.rows_deleted + excluded.rows_deleted, updated_at = clock_timestamp()
            )
            select n from batch
            """;
        long total = 0;
        while (true)
        {
            // BEGIN, the context and the batch in one round trip; COMMIT in a second.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(LifecycleRegistry.SetContextCommand(tenantId));
            var delete = new NpgsqlBatchCommand(sql);
            delete.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            delete.Parameters.Add(new NpgsqlParameter { Value = _batchSize });
            delete.Parameters.Add(new NpgsqlParameter { Value = table.DisplayName });
            batch.BatchCommands.Add(delete);
            long deleted;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                deleted = reader.GetInt64(0);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < _batchSize)
            {
                LogTableErased(logger, tenantId, table.DisplayName, total);
                return;
            }
        }
    }

    /// <summary>Counts what is left of the tenant in every tenant table; any row is a failure naming its table.</summary>
    private async Task VerifyAsync(NpgsqlConnection connection, TenantTables tables, Guid tenantId, CancellationToken cancellationToken)
    {
        var left = new List<string>();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await LifecycleRegistry.SetContextAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
            foreach (var table in tables.ChildrenFirst)
            {
                var rows = await ScalarAsync<long>(connection, $"select count(*) from {table.Source} t where t.tenant_id = $1", cancellationToken, tenantId).ConfigureAwait(false);
                if (rows > 0)
                {
                    LogRowsLeft(logger, tenantId, table.DisplayName, rows);
                    left.Add(table.DisplayName);
                }
            }
        }

        if (left.Count > 0)
        {
            throw new InvalidOperationException(
                $"Rows of tenant {tenantId} are left in {string.Join(", ", left)} after erasure (written meanwhile, or hidden from the owner's delete by a policy); the tenant stays erasing.");
        }
    }

    /// <summary>
    /// Releases the erasure lock. When that fails (the connection broke, or a cancelled statement left it unusable), the
    /// pool's reset (<c>DISCARD ALL</c>) or the end of the session releases it instead.
    /// </summary>
    private async Task UnlockAsync(NpgsqlConnection connection, Guid tenantId)
    {
        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, Unlock, CancellationToken.None, tenantId).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            LogUnlockFailed(logger, ex, tenantId);
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountsAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(Counts, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    [LoggerMessage(EventId = 6121, Level = LogLevel.Information, Message = "Erasing tenant {Tenant} in batches of {BatchSize} rows")]
    private static partial void LogStarted(ILogger logger, Guid tenant, int batchSize);

    [LoggerMessage(EventId = 6122, Level = LogLevel.Debug, Message = "Erased {Rows} rows of {Table} for tenant {Tenant} in this run")]
    private static partial void LogTableErased(ILogger logger, Guid tenant, string table, long rows);

    [LoggerMessage(EventId = 6123, Level = LogLevel.Error, Message = "Erasure of tenant {Tenant} left {Rows} rows in {Table}; the tenant stays erasing")]
    private static partial void LogRowsLeft(ILogger logger, Guid tenant, string table, long rows);

    [LoggerMessage(EventId = 6125, Level = LogLevel.Debug, Message = "Releasing the erasure lock of tenant {Tenant} failed; the connection's reset releases it")]
    private static partial void LogUnlockFailed(ILogger logger, Exception exception, Guid tenant);

    [LoggerMessage(EventId = 6124, Level = LogLevel.Information, Message = "Erased tenant {Tenant}: {Tables} tables, {Rows} rows")]
    private static partial void LogErased(ILogger logger, Guid tenant, int tables, long rows);
}
