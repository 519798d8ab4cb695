using Kernel.Testing;
using Npgsql;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// A private, throwaway PostgreSQL (<see cref="LocalPostgresCluster"/>) with one empty database for a benchmark class;
/// the kernel app migrates it at start-up, as a deployed host would. Disposing stops the server and deletes its data.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    public const string Name = "bench";

    private readonly LocalPostgresCluster _cluster;

    private BenchDatabase(LocalPostgresCluster cluster) => _cluster = cluster;

    /// <summary>The runtime role's connection string (subject to row-level security).</summary>
    public string RuntimeConnectionString => _cluster.RuntimeConnectionStringFor(Name);

    /// <summary>The owner role's connection string (runs the migrations).</summary>
    public string OwnerConnectionString => _cluster.OwnerConnectionStringFor(Name);

    /// <summary>The runtime role's name, for grants.</summary>
    public string RuntimeRole => _cluster.RuntimeRole;

    public static async Task<BenchDatabase> StartAsync()
    {
        var cluster = await LocalPostgresCluster.StartAsync();
        try
        {
            await cluster.CreateDatabaseAsync(Name);
            return new BenchDatabase(cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser, which row-level security does not bind: arranging data across tenants.</summary>
    public async Task ExecuteAsSuperuserAsync(string sql, params object[] parameters)
    {
        var settings = new NpgsqlConnectionStringBuilder(_cluster.SuperuserConnectionString) { Database = Name };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A scalar read as the superuser (for checks in setup).</summary>
    public async Task<T> ScalarAsSuperuserAsync<T>(string sql)
    {
        var settings = new NpgsqlConnectionStringBuilder(_cluster.SuperuserConnectionString) { Database = Name };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
