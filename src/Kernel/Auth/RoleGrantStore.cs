using Kernel.Data;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Auth;

/// <summary>
/// The current tenant's role overrides (<c>kernel.role_grants</c>), read and written in the unit of work under RLS;
/// reads for permission checks come from <see cref="RoleGrantCache"/> when it can vouch for them.
/// </summary>
internal sealed class RoleGrantStore(UnitOfWork unitOfWork, IKernelContextAccessor context, RoleGrantCache cache, TimeProvider time)
{
    private const string SelectAll = "select role, permissions from kernel.role_grants";

    /// <summary>The tenant's overrides for a permission check: from the cache, else read (and cached if no change raced the read).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var tenant = context.Current.RequiredTenantId;
        if (cache.TryGet(tenant, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var overrides = await ListAsync(cancellationToken).ConfigureAwait(false);
        cache.Store(tenant, generation, overrides);
        return overrides;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ListAsync(CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        batch.Add(SelectAll);
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetFieldValue<string[]>(1).ToHashSet(StringComparer.Ordinal);
        }

        return result;
    }

    public async Task SetAsync(string role, IReadOnlyCollection<string> permissions, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var command = batch.Add(
            """
            insert into kernel.role_grants (role, permissions, updated_at, updated_by) values ($1, $2, $3, $4)
            on conflict (tenant_id, role) do update set permissions = excluded.permissions, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter { Value = permissions.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = context.Current.RequiredActor.Id });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        EvictOnCommit();
    }

    public async Task<bool> ResetAsync(string role, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        batch.Add("delete from kernel.role_grants where role = $1").Parameters.Add(new NpgsqlParameter { Value = role });
        var deleted = await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        EvictOnCommit();
        return deleted;
    }

    // Every instance evicts when the trigger's notification arrives; this one also evicts before it answers, so the
    // caller's very next request sees the change even if that notification is still in flight.
    private void EvictOnCommit()
    {
        var tenant = context.Current.RequiredTenantId;
        unitOfWork.OnCommitted(() => cache.Evict(tenant));
    }
}
