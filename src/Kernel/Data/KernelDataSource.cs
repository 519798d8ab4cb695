using Npgsql;

namespace Kernel.Data;

/// <summary>The runtime role's pooled data source. Internal: addon code reaches the database only through <see cref="IUnitOfWork"/>.</summary>
internal sealed class KernelDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public string RuntimeRole => new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Username
        ?? throw new InvalidOperationException("The runtime connection string names no user.");

    /// <summary>The data source the kernel runs on, from the runtime role's connection string.</summary>
    /// <param name="connectionString">The runtime role's connection string.</param>
    /// <param name="applicationName">The application name PostgreSQL shows, unless the connection string sets one.</param>
    /// <param name="timeout">
    /// The longest wait for a connection or a statement (<see cref="KernelDatabaseOptions.Timeout"/>); null keeps the
    /// connection string's. A wait for a connection (a dead server, a full pool, a pooler whose queue holds clients
    /// while PostgreSQL is down) and a wait for a statement's answer each end in an <see cref="NpgsqlException"/>,
    /// which routes map to 503.
    /// </param>
    public static KernelDataSource Create(string? connectionString, string? applicationName, TimeSpan? timeout = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        if (timeout is { } wait)
        {
            builder.ConnectionStringBuilder.Timeout = (int)wait.TotalSeconds;
            builder.ConnectionStringBuilder.CommandTimeout = (int)wait.TotalSeconds;
        }

        // The kernel keeps no session state (its settings are transaction-scoped, as PgBouncer's transaction mode needs
        // anyway), so the DISCARD ALL Npgsql would send on every return to the pool is pure cost: server time on each
        // request, and prepared statements thrown away. UnitOfWorkPoolingTests pins that nothing leaks without it.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return new KernelDataSource(builder.Build());
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
