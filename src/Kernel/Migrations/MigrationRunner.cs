using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kernel.Migrations;

/// <summary>
/// Applies addons' embedded SQL migrations in dependency order, under a cluster-wide advisory lock, each in its
/// own transaction, journaled with a checksum. An applied migration whose text changed, or which disappeared,
/// is drift: an error naming the file, before anything else is applied.
/// </summary>
internal sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    // An arbitrary constant: every instance migrating the same database serialises on it.
    private const long AdvisoryLockKey = 0x4B45524E454C; // "KERNEL"
    private const string RuntimeRolePlaceholder = "${runtime_role}";

    public async Task<int> MigrateAsync(
        string ownerConnectionString,
        string runtimeRole,
        IReadOnlyList<AddonMigration> migrations,
        CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "select pg_advisory_lock($1)", cancellationToken, AdvisoryLockKey).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, """
                create schema if not exists kernel;
                create table if not exists kernel.schema_migrations (
                    addon      text        not null,
                    name       text        not null,
                    checksum   text        not null,
                    applied_at timestamptz not null default now(),
                    primary key (addon, name)
                );
                """, cancellationToken).ConfigureAwait(false);

            var applied = await ReadJournalAsync(connection, cancellationToken).ConfigureAwait(false);
            CheckDrift(applied, migrations);

            var quotedRole = QuoteIdentifier(runtimeRole);
            var count = 0;
            foreach (var migration in migrations)
            {
                if (applied.ContainsKey((migration.Addon, migration.Name)))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await ExecuteAsync(connection, transaction, migration.Sql.Replace(RuntimeRolePlaceholder, quotedRole, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Addon}/{migration.Name} failed: {ex.MessageText} (SQLSTATE {ex.SqlState}). Nothing of it was applied.", ex);
                }

                await ExecuteAsync(
                    connection,
                    transaction,
                    "insert into kernel.schema_migrations (addon, name, checksum) values ($1, $2, $3)",
                    cancellationToken,
                    migration.Addon,
                    migration.Name,
                    migration.Checksum).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                LogApplied(logger, migration.Addon, migration.Name);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, null, "select pg_advisory_unlock($1)", CancellationToken.None, AdvisoryLockKey).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the migrations not yet applied (and throws on drift); used by readiness and the start-up check.</summary>
    public static async Task<IReadOnlyList<AddonMigration>> PendingAsync(
        NpgsqlConnection connection,
        IReadOnlyList<AddonMigration> migrations,
        CancellationToken cancellationToken)
    {
        var applied = await ReadJournalAsync(connection, cancellationToken).ConfigureAwait(false);
        CheckDrift(applied, migrations);
        return migrations.Where(m => !applied.ContainsKey((m.Addon, m.Name))).ToList();
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void CheckDrift(Dictionary<(string Addon, string Name), string> applied, IReadOnlyList<AddonMigration> migrations)
    {
        var known = migrations.ToDictionary(m => (m.Addon, m.Name));
        foreach (var ((addon, name), checksum) in applied)
        {
            if (!known.TryGetValue((addon, name), out var migration))
            {
                // Only addons present in this app are checked: removing a whole addon is not drift of the others.
                if (migrations.Any(m => m.Addon == addon))
                {
                    throw new MigrationDriftException(
                        $"Migration drift: {addon}/{name} was applied to this database but no longer exists in addon '{addon}'. Restore the file; applied migrations are never removed.");
                }

                continue;
            }

            if (!string.Equals(migration.Checksum, checksum, StringComparison.Ordinal))
            {
                throw new MigrationDriftException(
                    $"Migration drift: {addon}/{name} was edited after it was applied (checksum {checksum[..12]}… in the database, {migration.Checksum[..12]}… in the code). Revert the edit and add a new migration instead.");
            }
        }
    }

    private static async Task<Dictionary<(string Addon, string Name), string>> ReadJournalAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<(string, string), string>();
        await using var command = new NpgsqlCommand(
            "select addon, name, checksum from kernel.schema_migrations where to_regclass('kernel.schema_migrations') is not null",
            connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // Never migrated: everything is pending.
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        // No command timeout: waiting for another instance's migrations, or a migration building an index on a big
        // table, may take minutes. The host's stop (SIGTERM, HostOptions.StartupTimeout) cancels it, and rolls back.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied migration {Addon}/{Name}")]
    private static partial void LogApplied(ILogger logger, string addon, string name);
}
