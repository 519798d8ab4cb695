using Kernel.Testing;
using Npgsql;

namespace Kernel.LoadHarness;

/// <summary>Superuser access to a benchmark database: seeding, and counting or clearing queues across tenants (RLS does not bind it).</summary>
internal static class Superuser
{
    public static string ConnectionStringFor(LocalPostgresCluster cluster, string database) =>
        new NpgsqlConnectionStringBuilder(cluster.SuperuserConnectionString) { Database = database, CommandTimeout = 600 }.ConnectionString;

    public static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
