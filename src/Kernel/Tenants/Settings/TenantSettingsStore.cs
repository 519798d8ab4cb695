using System.Text.Json.Nodes;
using Kernel.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Tenants.Settings;

/// <summary>
/// Reads and writes the current tenant's own settings values (<c>kernel.tenant_settings</c>, under its RLS) in the
/// unit of work, and composes them with the plan's and the class's defaults through <see cref="TenantSettingsCache"/>.
/// </summary>
internal sealed partial class TenantSettingsStore(
    UnitOfWork unitOfWork,
    KernelContextAccessor context,
    TenantLookup tenants,
    SettingsCatalog catalog,
    TenantSettingsCache cache,
    ILogger<TenantSettingsStore> logger)
{
    /// <summary>The current tenant's settings of the addon <paramref name="shape"/> describes: cached, else read and composed.</summary>
    public async ValueTask<TenantSettingsEntry> GetAsync(SettingsShape shape, CancellationToken cancellationToken)
    {
        var tenant = context.Current.RequiredTenantId;
        var plan = (await tenants.FindByIdAsync(tenant, cancellationToken).ConfigureAwait(false))?.Plan;
        if (cache.TryGet(tenant, shape.Addon, plan, out var cached))
        {
            return cached!;
        }

        var generation = cache.Generation;
        var (overrides, version) = await ReadAsync(shape.Addon, forUpdate: false, cancellationToken).ConfigureAwait(false);
        var entry = Compose(shape, plan, overrides, version);
        cache.Store(tenant, shape.Addon, generation, entry);
        return entry;
    }

    /// <summary>
    /// Replaces the tenant's own values with <paramref name="overrides"/> (already checked against the shape): the
    /// settings after. 412 when <paramref name="expectedVersion"/> is given and is not the current version.
    /// </summary>
    public async Task<TenantSettingsEntry> SetAsync(SettingsShape shape, JsonObject overrides, int? expectedVersion, CancellationToken cancellationToken)
    {
        var tenant = context.Current.RequiredTenantId;
        var plan = (await tenants.FindByIdAsync(tenant, cancellationToken).ConfigureAwait(false))?.Plan;
        var composed = shape.Compose(catalog.PlanValues(plan, shape.Addon), overrides); // 400 before anything is written.
        var (_, version) = await ReadAsync(shape.Addon, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (expectedVersion is { } expected && expected != version)
        {
            throw KernelException.PreconditionFailed($"If-Match does not match the current ETag \"{version}\".");
        }

        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var write = batch.Add(
            """
            insert into kernel.tenant_settings (addon, settings, updated_by) values ($1, $2, $3)
            on conflict (tenant_id, addon) do update
               set settings = excluded.settings, version = kernel.tenant_settings.version + 1,
                   updated_at = clock_timestamp(), updated_by = excluded.updated_by
            returning version
            """);
        write.Parameters.Add(new NpgsqlParameter { Value = shape.Addon });
        write.Parameters.Add(new NpgsqlParameter { Value = overrides.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        write.Parameters.Add(new NpgsqlParameter { Value = context.Current.RequiredActor.Id });
        var newVersion = (int)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

        // Every instance evicts on the trigger's notification; this one also before the route answers.
        unitOfWork.OnCommitted(() => cache.Evict(tenant));
        return new TenantSettingsEntry(plan, composed.Value, composed.Json, overrides, newVersion);
    }

    private async Task<(JsonObject? Overrides, int Version)> ReadAsync(string addon, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var batch = await unitOfWork.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var read = batch.Add($"select settings::text, version from kernel.tenant_settings where addon = $1{(forUpdate ? " for update" : "")}");
        read.Parameters.Add(new NpgsqlParameter { Value = addon });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (JsonNode.Parse(reader.GetString(0))?.AsObject(), reader.GetInt32(1))
            : (null, 0);
    }

    /// <summary>
    /// Stored values that no longer compose (the class or the plan changed since they were saved) are left out rather
    /// than failing every reader: the plan's values (checked at start-up) and the defaults apply, and it is logged.
    /// </summary>
    private TenantSettingsEntry Compose(SettingsShape shape, string? plan, JsonObject? overrides, int version)
    {
        var planValues = catalog.PlanValues(plan, shape.Addon);
        try
        {
            var (value, json) = shape.Compose(planValues, overrides);
            return new TenantSettingsEntry(plan, value, json, overrides ?? [], version);
        }
        catch (KernelException ex)
        {
            LogStaleSettings(logger, shape.Addon, context.Current.TenantId, ex.Message);
            var (value, json) = shape.Compose(planValues, null);
            return new TenantSettingsEntry(plan, value, json, overrides ?? [], version);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "The stored settings of addon {Addon} for tenant {TenantId} no longer validate ({Reason}); the plan's and the defaults apply until they are changed")]
    private static partial void LogStaleSettings(ILogger logger, string addon, Guid? tenantId, string reason);
}
