using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>The registry statements of export, import and erasure, on the owner's connection (inside its transaction, if one is open).</summary>
internal static class LifecycleRegistry
{
    private const string SetContextSql = "select set_config('app.tenant_id', $1, true), set_config('TimeZone', 'UTC', true)";
    private const string Select = "select t.id, t.slug, t.name, t.status, t.status_reason, t.version from kernel.tenants t";

    /// <summary>The tenant, or null; <paramref name="forUpdate"/> locks its row until the transaction ends (a status change waits for it).</summary>
    public static async Task<RegisteredTenant?> FindAsync(NpgsqlConnection connection, Guid id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Select + " where t.id = $1" + (forUpdate ? " for update" : string.Empty), connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant named by <paramref name="identifier"/> (its id or its slug), or null.</summary>
    public static async Task<RegisteredTenant?> FindByIdOrSlugAsync(NpgsqlConnection connection, string identifier, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(identifier, out var id))
        {
            return await FindAsync(connection, id, forUpdate: false, cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand(Select + " where t.slug = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = identifier });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>kernel.tenant_set_status</c>: the new version; null when the tenant does not exist; -1 when it is in none of
    /// <paramref name="from"/>. Every status change goes through it (it notifies every instance's tenant cache).
    /// </summary>
    public static async Task<int?> SetStatusAsync(NpgsqlConnection connection, Guid id, string[] from, string to, string? reason, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select kernel.tenant_set_status($1, $2, $3, $4, null)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : null;
    }

    /// <summary>The database's migration journal, in the order it was applied.</summary>
    public static async Task<IReadOnlyList<TenantArchiveMigration>> JournalAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var journal = new List<TenantArchiveMigration>();
        await using var command = new NpgsqlCommand("select addon, name, checksum from kernel.schema_migrations order by applied_at, addon, name", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            journal.Add(new TenantArchiveMigration(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return journal;
    }

    /// <summary>
    /// The first tenant table (children first) holding any row of <paramref name="tenant"/>, or null when it has none.
    /// Inside a transaction under the tenant's context (<see cref="SetContextAsync"/>), with an explicit filter besides,
    /// like every lifecycle statement.
    /// </summary>
    public static async Task<string?> FirstTableWithRowsAsync(NpgsqlConnection connection, TenantTables tables, Guid tenant, CancellationToken cancellationToken)
    {
        foreach (var table in tables.ChildrenFirst)
        {
            await using var command = new NpgsqlCommand($"select exists (select 1 from {table.Source} t where t.tenant_id = $1)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = tenant });
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return table.DisplayName;
            }
        }

        return null;
    }

    /// <summary>Sets the tenant's context for the rest of the transaction (row-level security), and UTC for timestamps' text.</summary>
    public static async Task SetContextAsync(NpgsqlConnection connection, Guid tenant, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SetContextSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary><see cref="SetContextAsync"/> as the first command of a batch.</summary>
    public static NpgsqlBatchCommand SetContextCommand(Guid tenant)
    {
        var command = new NpgsqlBatchCommand(SetContextSql);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
        return command;
    }

    private static async Task<RegisteredTenant?> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new RegisteredTenant(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt32(5))
            : null;
    }
}
