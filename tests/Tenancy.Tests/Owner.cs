using Kernel.Testing;
using Npgsql;

namespace Tenancy.Tests;

/// <summary>Reads as the owner role, across tenants, for assertions about where data landed.</summary>
internal static class Owner
{
    public static async Task<T?> ScalarAsync<T>(KernelTestDatabase database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>The rows of <paramref name="sql"/>, each as its columns' values.</summary>
    public static async Task<List<object?[]>> RowsAsync(KernelTestDatabase database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A scalar read as the owner under <paramref name="tenant"/>'s context, for tables whose forced RLS binds the owner too.</summary>
    public static async Task<T?> ScalarAsTenantAsync<T>(KernelTestDatabase database, Guid tenant, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("select set_config('app.tenant_id', $1, true)", connection, transaction))
        {
            context.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
            await context.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>The tenant a request row belongs to; null when there is no such request.</summary>
    public static Task<Guid?> TenantOfRequestAsync(KernelTestDatabase database, Guid requestId) =>
        ScalarAsync<Guid?>(database, "select tenant_id from requests.requests where id = $1", requestId);

    /// <summary>A job's state and attempts.</summary>
    public static async Task<(string State, int Attempts)> JobAsync(KernelTestDatabase database, Guid jobId)
    {
        var rows = await RowsAsync(database, "select state, attempts from kernel.jobs where id = $1", jobId);
        var row = Assert.Single(rows);
        return ((string)row[0]!, (int)row[1]!);
    }
}
