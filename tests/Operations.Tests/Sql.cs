using Kernel.Testing;
using Npgsql;

namespace Operations.Tests;

/// <summary>Direct SQL for arranging and inspecting, past row-level security (as the cluster's superuser).</summary>
internal static class Sql
{
    /// <summary>The superuser's connection string to <paramref name="database"/> (forced RLS binds even the owner role).</summary>
    public static string Superuser(LocalPostgresCluster cluster, string database) =>
        new NpgsqlConnectionStringBuilder(cluster.SuperuserConnectionString) { Database = database }.ConnectionString;

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> after two minutes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(200);
        }
    }
}
