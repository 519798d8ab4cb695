using Npgsql;

namespace Kernel.Data;

/// <summary>The runtime role's pooled data source. Internal: addon code reaches the database only through <see cref="IUnitOfWork"/>.</summary>
internal sealed class KernelDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public string RuntimeRole => new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Username
        ?? throw new InvalidOperationException("The runtime connection string names no user.");

    /// <summary>The data source the kernel runs on, from the runtime role's connection string.</summary>
    public static KernelDataSource Create(string? connectionString, string? applicationName)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;

        // The kernel keeps no session state (its settings are transaction-scoped, as PgBouncer's transaction mode needs
        // anyway), so the DISCARD ALL Npgsql would send on every return to the pool is pure cost: server time on each
        // request, and prepared statements thrown away. UnitOfWorkPoolingTests pins that nothing leaks without it.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return new KernelDataSource(builder.Build());
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
