using Jobs.TestHost;
using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kernel.Jobs.Tests;

/// <summary>The test host (kernel + the jobs test addon) on a given database, with fast job timings.</summary>
public sealed class JobsHost(KernelTestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public KernelTestDatabase Database { get; } = database;

    /// <summary>A client acting as <paramref name="actorId"/> of <paramref name="tenantId"/>, which it registers first (the registry is required).</summary>
    public HttpClient CreateClientAs(Guid tenantId, string actorId, params string[] roles)
    {
        Database.RegisterTenant(tenantId);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenantId.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actorId);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Kernel", Database.RuntimeConnectionString);
        builder.UseSetting("ConnectionStrings:KernelOwner", Database.OwnerConnectionString);
        builder.UseSetting("Kernel:Auth:EnableDevHeaders", "true");
        builder.UseSetting("Kernel:Jobs:PollInterval", "00:00:00.200");
        builder.UseSetting("Kernel:Jobs:RetryBaseDelay", "00:00:00.100");
        builder.UseSetting("Kernel:Jobs:RetryMaxDelay", "00:00:01");
        builder.UseSetting("Kernel:Jobs:SchedulerEnabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

/// <summary>One migrated database (kernel + jobs test addon) and one running host per test class.</summary>
public sealed class JobsFixture : IAsyncLifetime
{
    public KernelTestDatabase Database { get; private set; } = null!;

    public JobsHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await KernelTestDatabase.CreateAsync(new JobsTestAddon());
        Host = new JobsHost(Database);
        _ = Host.Server; // Start it.
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Owner-role reads of the queue, across tenants, for assertions.</summary>
public static class Owner
{
    public static async Task<T> ScalarAsync<T>(KernelTestDatabase database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(KernelTestDatabase database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    public static async Task<(string State, int Attempts, string? LastError)> JobAsync(KernelTestDatabase database, Guid id)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select state, attempts, last_error from kernel.jobs where id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"Job {id} does not exist.");
        return (reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>Waits until the job reaches one of <paramref name="states"/> and returns it.</summary>
    public static async Task<(string State, int Attempts, string? LastError)> WaitForAsync(KernelTestDatabase database, Guid id, TimeSpan timeout, params string[] states)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await JobAsync(database, id);
            if (states.Contains(job.State))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Job {id} is {job.State} (attempts {job.Attempts}, last error {job.LastError}) after {timeout}; expected {string.Join('|', states)}.");
            }

            await Task.Delay(50);
        }
    }
}
