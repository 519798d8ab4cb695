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
    /// <summary>Each app's database, so a client acting as a tenant can register it first.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WebApplication, KernelTestDatabase> Databases = new();

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
        Databases.Add(app, database);
        map?.Invoke(app);
        app.MapKernel();
        return app;
    }

    public static HttpClient ClientAs(this WebApplication app, Guid? tenant, string? actor, params string[] roles)
    {
        var client = app.GetTestClient();
        if (tenant is not null)
        {
            Databases.TryGetValue(app, out var database);
            (database ?? throw new InvalidOperationException("The app was not built by TestHost.")).RegisterTenant(tenant.Value);
            client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        }

        if (actor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        }

        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }
}
