using Kernel.Data;
using Npgsql;

namespace Kernel.Tenants;

/// <summary>
/// Finds a tenant by id, external id or slug: from <see cref="TenantCache"/>, else from the registry as the runtime
/// role (which may read only id, slug, status and external ids). A miss runs before the request's context exists, so on
/// a pooled connection of its own, not the unit of work.
/// </summary>
internal sealed class TenantLookup(KernelDataSource dataSource, TenantCache cache)
{
    private const string Select =
        """
        select t.id, t.slug, t.status,
               coalesce((select array_agg(e.external_id order by e.external_id) from kernel.tenant_external_ids e where e.tenant = t.id), '{}')
          from kernel.tenants t
        """;

    private const string ById = Select + " where t.id = $1";
    private const string ByExternalId = Select + " where t.id = (select e.tenant from kernel.tenant_external_ids e where e.external_id = $1)";
    private const string BySlug = Select + " where t.slug = $1";

    public ValueTask<TenantEntry?> FindByIdAsync(Guid id, CancellationToken cancellationToken) =>
        FindAsync(cache.ById, id, ById, cancellationToken);

    public ValueTask<TenantEntry?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken) =>
        FindAsync(cache.ByExternalId, externalId, ByExternalId, cancellationToken);

    public ValueTask<TenantEntry?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
        FindAsync(cache.BySlug, slug, BySlug, cancellationToken);

    /// <summary>A hit completes synchronously (no allocation); a miss reads the registry and remembers the answer.</summary>
    private ValueTask<TenantEntry?> FindAsync<TKey>(TenantCache.Index<TKey> index, TKey key, string sql, CancellationToken cancellationToken)
        where TKey : notnull =>
        index.TryGet(key, out var cached) ? ValueTask.FromResult(cached) : LoadAsync(index, key, sql, cancellationToken);

    private async ValueTask<TenantEntry?> LoadAsync<TKey>(TenantCache.Index<TKey> index, TKey key, string sql, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var generation = cache.Generation;
        await using var command = dataSource.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        TenantEntry? entry;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            entry = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new TenantEntry(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3))
                : null;
        }

        index.Store(key, generation, entry);
        return entry;
    }
}
