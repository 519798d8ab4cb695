using Kernel.Data;
using Npgsql;

namespace Kernel.Tenants;

/// <summary>
/// Reads a tenant from the registry as the runtime role (which may read only id, slug, status, plan, external ids and addon switches), on
/// a cache miss. It runs before the request's context exists, so on a pooled connection of its own, not the unit of work.
/// </summary>
/// <remarks>
/// Three near-identical methods rather than one generic one over a generic index type: with a generic
/// <c>TenantIndex&lt;TKey&gt;</c> in the assembly, Microsoft.AspNetCore.OpenApi 10's XML-comment source generator in the
/// host filed the type twice under one key and every OpenAPI document request failed (WebHost.Tests caught it).
/// </remarks>
internal sealed class TenantLookup(KernelDataSource dataSource, TenantCache cache, AddonCatalog addons)
{
    private const string Select =
        """
        select t.id, t.slug, t.status,
               coalesce((select array_agg(e.external_id order by e.external_id) from kernel.tenant_external_ids e where e.tenant = t.id), '{}'),
               t.plan,
               coalesce((select array_agg(a.addon) from kernel.tenant_addons a where a.tenant = t.id and a.enabled), '{}'),
               coalesce((select array_agg(a.addon) from kernel.tenant_addons a where a.tenant = t.id and not a.enabled), '{}')
          from kernel.tenants t
        """;

    private const string ById = Select + " where t.id = $1";
    private const string ByExternalId = Select + " where t.id = (select e.tenant from kernel.tenant_external_ids e where e.external_id = $1)";
    private const string BySlug = Select + " where t.slug = $1";

    public async ValueTask<TenantEntry?> FindByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        if (cache.TryGetById(id, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var entry = await ReadAsync(ById, id, cancellationToken).ConfigureAwait(false);
        cache.StoreById(id, generation, entry);
        return entry;
    }

    public async ValueTask<TenantEntry?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken)
    {
        if (cache.TryGetByExternalId(externalId, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var entry = await ReadAsync(ByExternalId, externalId, cancellationToken).ConfigureAwait(false);
        cache.StoreByExternalId(externalId, generation, entry);
        return entry;
    }

    public async ValueTask<TenantEntry?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        if (cache.TryGetBySlug(slug, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var entry = await ReadAsync(BySlug, slug, cancellationToken).ConfigureAwait(false);
        cache.StoreBySlug(slug, generation, entry);
        return entry;
    }

    private async Task<TenantEntry?> ReadAsync(string sql, object key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new TenantEntry(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<string[]>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                addons.Enabled(reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6)))
            : null;
    }
}
