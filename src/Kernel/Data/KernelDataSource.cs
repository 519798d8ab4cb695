using Npgsql;

namespace Kernel.Data;

/// <summary>The runtime role's pooled data source. Internal: addon code reaches the database only through <see cref="IUnitOfWork"/>.</summary>
internal sealed class KernelDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public string RuntimeRole => new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Username
        ?? throw new InvalidOperationException("The runtime connection string names no user.");

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
