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

    /// <summary>The environment a sample host needs for <paramref name="runtime"/> and <paramref name="owner"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> HostSettings(string runtime, string owner, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Kernel"] = runtime,
            ["ConnectionStrings:KernelOwner"] = owner,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
