using Kernel.Data;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Tenants;

/// <summary>
/// The registry as the operator routes change it, through the owner's security-definer functions (the runtime role
/// may read only what resolution needs), in the route's unit of work.
/// </summary>
internal sealed class TenantStore(UnitOfWork unitOfWork, TenantCache cache, AddonCatalog addons)
{
    private const string Columns = "id, slug, name, status, status_reason, external_ids, created_at, updated_at, version, plan, addons_on, addons_off";

    public async Task CreateAsync(Guid id, string slug, string name, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var create = batch.Add("select kernel.tenant_create($1, $2, $3, $4, $5)");
        create.Parameters.Add(new NpgsqlParameter { Value = id });
        create.Parameters.Add(new NpgsqlParameter { Value = slug });
        create.Parameters.Add(new NpgsqlParameter { Value = name });
        create.Parameters.Add(new NpgsqlParameter { Value = externalIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        create.Parameters.Add(new NpgsqlParameter { Value = (object?)addons.DefaultPlan ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        EvictOnCommit(id);
    }

    public async Task<TenantView?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        AddView(batch, id);
        return await ReadOneAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page in creation order, after the tenant <paramref name="after"/> names (if any).</summary>
    public async Task<IReadOnlyList<TenantView>> ListAsync(string? status, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var list = batch.Add($"select {Columns} from kernel.tenant_list($1, $2, $3, $4)");
        list.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        list.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        list.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        list.Parameters.Add(new NpgsqlParameter { Value = limit });
        var views = new List<TenantView>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            views.Add(Read(reader));
        }

        return views;
    }

    /// <summary>
    /// Moves the tenant from one of <paramref name="from"/> to <paramref name="to"/>: the tenant afterwards, or a
    /// <see cref="KernelException"/> (404 unknown, 409 in another state, 412 when <paramref name="expectedVersion"/> is stale).
    /// </summary>
    public async Task<TenantView> SetStatusAsync(Guid id, IReadOnlyList<string> from, string to, string? reason, int? expectedVersion, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var set = batch.Add("select kernel.tenant_set_status($1, $2, $3, $4, $5)");
        set.Parameters.Add(new NpgsqlParameter { Value = id });
        set.Parameters.Add(new NpgsqlParameter { Value = from.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        set.Parameters.Add(new NpgsqlParameter { Value = to });
        set.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        set.Parameters.Add(new NpgsqlParameter { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        AddView(batch, id);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var outcome = reader.IsDBNull(0) ? (int?)null : reader.GetInt32(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var view = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        if (outcome > 0)
        {
            EvictOnCommit(id);
        }

        return outcome switch
        {
            null => throw KernelException.NotFound("Tenant"),
            -2 => throw KernelException.PreconditionFailed($"If-Match does not match the current ETag \"{view!.Version}\"."),
            -1 => throw KernelException.Conflict(
                $"The tenant is {view!.Status}; this needs it to be {string.Join(" or ", from)}."),
            _ => view!,
        };
    }

    /// <summary>Switches the optional addon on or off for the tenant (an override of its plan); false when there is no such tenant.</summary>
    public async Task<bool> SetAddonAsync(Guid id, string addon, bool enabled, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var set = batch.Add("select kernel.tenant_set_addon($1, $2, $3)");
        set.Parameters.Add(new NpgsqlParameter { Value = id });
        set.Parameters.Add(new NpgsqlParameter { Value = addon });
        set.Parameters.Add(new NpgsqlParameter { Value = enabled });
        return await ChangedAsync(batch, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts the tenant on <paramref name="plan"/> (null: none); false when there is no such tenant.</summary>
    public async Task<bool> SetPlanAsync(Guid id, string? plan, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var set = batch.Add("select kernel.tenant_set_plan($1, $2)");
        set.Parameters.Add(new NpgsqlParameter { Value = id });
        set.Parameters.Add(new NpgsqlParameter { Value = (object?)plan ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await ChangedAsync(batch, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> ChangedAsync(NpgsqlBatch batch, Guid id, CancellationToken cancellationToken)
    {
        var version = await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (version is null or DBNull)
        {
            return false;
        }

        EvictOnCommit(id);
        return true;
    }

    // Every instance evicts when the registry trigger's notification arrives; this one also evicts before the route
    // answers, so the caller's very next request sees the change even while that notification is in flight.
    private void EvictOnCommit(Guid id) => unitOfWork.OnCommitted(() => cache.Evict(id));

    private static void AddView(NpgsqlBatch batch, Guid id)
    {
        var view = batch.Add($"select {Columns} from kernel.tenant_view($1)");
        view.Parameters.Add(new NpgsqlParameter { Value = id });
    }

    private async Task<TenantView?> ReadOneAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private TenantView Read(NpgsqlDataReader reader)
    {
        var plan = reader.IsDBNull(9) ? null : reader.GetString(9);
        var enabled = addons.Enabled(plan, reader.GetFieldValue<string[]>(10), reader.GetFieldValue<string[]>(11));
        return new TenantView(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<string[]>(5),
            reader.GetFieldValue<DateTimeOffset>(6),
            reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetInt32(8),
            plan,
            addons.All(enabled));
    }
}
