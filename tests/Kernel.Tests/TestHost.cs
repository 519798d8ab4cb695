using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kernel.Tests;

/// <summary>Builds a real kernel app on an in-memory server against a test database.</summary>
internal static class TestHost
{
    public static async Task<WebApplication> StartAsync(
        KernelTestDatabase database,
        string environment = "Development",
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        string? runtimeConnectionString = null)
    {
        var app = Build(database, environment, configure, map, runtimeConnectionString);
        await app.StartAsync();
        return app;
    }

    public static WebApplication Build(
        KernelTestDatabase database,
        string environment = "Development",
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        string? runtimeConnectionString = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Kernel"] = runtimeConnectionString ?? database.RuntimeConnectionString;
        builder.Configuration["ConnectionStrings:KernelOwner"] = database.OwnerConnectionString;
        builder.Configuration["Kernel:Auth:EnableDevHeaders"] = environment == "Development" ? "true" : "false";
        builder.Services.AddKernel(builder.Configuration).AddAddon<WidgetsAddon>();
        configure?.Invoke(builder);
        var app = builder.Build();
        map?.Invoke(app);
        app.MapKernel();
        return app;
    }

    public static HttpClient ClientAs(this WebApplication app, Guid? tenant, string? actor, params string[] roles)
    {
        var client = app.GetTestClient();
        if (tenant is not null)
        {
            Register(app, tenant.Value);
            client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        }

        if (actor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        }

        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    /// <summary>Registers <paramref name="tenant"/> in the app's tenant registry (harmless when it is there already).</summary>
    public static void Register(WebApplication app, Guid tenant)
    {
        using var connection = new Npgsql.NpgsqlConnection(app.Configuration["ConnectionStrings:KernelOwner"]);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(
            "insert into kernel.tenants (id, slug, name) values ($1, $2, $2) on conflict (id) do nothing", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = "t-" + tenant.ToString("N") });
        command.ExecuteNonQuery();
    }
}
