using Kernel.Auth;
using Kernel.Benchmarks.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// The apps under measurement, on an <see cref="InProcessServer"/>. Every app runs in Development (the kernel accepts
/// dev-header identity only there) with DI scope validation off and warnings-only logging, like the load harness's hosts,
/// so the raw and kernel apps differ only in what the kernel adds.
/// </summary>
internal static class BenchApps
{
    /// <summary>
    /// A started kernel app (the bench addon; dev-header identity; job worker and scheduler off, so benchmarks drive the
    /// queue themselves) on <paramref name="database"/>, which it migrates. <paramref name="mapOutside"/> maps endpoints
    /// that stay outside the kernel.
    /// </summary>
    public static async Task<WebApplication> StartKernelAsync(BenchDatabase database, Action<WebApplication>? mapOutside = null, bool rateLimited = false)
    {
        var builder = CreateBuilder();
        if (rateLimited)
        {
            // Limits no run reaches: the route pays for the limiter without requests being refused.
            builder.Configuration["Kernel:RateLimiting:Enabled"] = "true";
            builder.Configuration["Kernel:RateLimiting:Default:TenantPermits"] = "1000000000";
            builder.Configuration["Kernel:RateLimiting:Default:ActorPermits"] = "1000000000";
        }

        builder.Configuration["ConnectionStrings:Kernel"] = database.RuntimeConnectionString;
        builder.Configuration["ConnectionStrings:KernelOwner"] = database.OwnerConnectionString;
        builder.Configuration["Kernel:Auth:EnableDevHeaders"] = "true";
        builder.Configuration["Kernel:Jobs:WorkerEnabled"] = "false";
        builder.Configuration["Kernel:Jobs:SchedulerEnabled"] = "false";
        builder.Services.AddKernel(builder.Configuration).AddAddon<BenchAddon>();
        var app = builder.Build();
        mapOutside?.Invoke(app);
        app.MapKernel();
        await app.StartAsync();
        return app;
    }

    /// <summary>A started plain Minimal API app with the endpoints <paramref name="map"/> maps; no kernel, no database.</summary>
    public static async Task<WebApplication> StartRawAsync(Action<WebApplication> map)
    {
        var app = CreateBuilder().Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    public static InProcessConnection Connect(this WebApplication app) =>
        ((InProcessServer)app.Services.GetRequiredService<IServer>()).Connect();

    /// <summary>
    /// Waits until <paramref name="tenant"/>'s role overrides are cached, which happens only once the kernel's LISTEN
    /// connection is up (until then every permission check reads the database).
    /// </summary>
    public static async Task WarmRoleGrantsAsync(WebApplication app, Guid tenant)
    {
        var cache = app.Services.GetRequiredService<RoleGrantCache>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<KernelContextAccessor>().Establish(BenchContexts.For(tenant, "warm-up"), readOnly: true);
                await scope.ServiceProvider.GetRequiredService<RoleGrantStore>().GetCurrentAsync(CancellationToken.None);
            }

            if (cache.TryGet(tenant, out _))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The kernel's role-grant cache did not go live within 30 s (is its LISTEN connection failing?).");
            }

            await Task.Delay(50);
        }
    }

    private static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", Args = [] });
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateScopes = false; o.ValidateOnBuild = false; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IServer, InProcessServer>();
        return builder;
    }
}
