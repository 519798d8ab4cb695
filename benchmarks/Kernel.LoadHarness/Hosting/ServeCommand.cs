using Addons.Requests;
using FastEndpoints;
using Kernel.LoadHarness.Bench;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Kernel.LoadHarness.Hosting;

/// <summary>
/// <c>serve raw|kernel|fastendpoints</c>: one host under load, in a process of its own. Every mode runs in Development
/// (the kernel accepts an http issuer only there) with scope validation off, logs warnings only, and validates the same
/// RS256 bearer tokens against the harness's issuer. Settings come from environment variables set by the orchestrator.
/// </summary>
internal static class ServeCommand
{
    public const string Audience = "bench-api";

    public static async Task<int> RunAsync(string mode)
    {
        var port = Environment.GetEnvironmentVariable("BENCH_PORT") ?? throw new InvalidOperationException("BENCH_PORT is not set.");
        var issuer = Environment.GetEnvironmentVariable("BENCH_ISSUER") ?? throw new InvalidOperationException("BENCH_ISSUER is not set.");
        var runtime = Environment.GetEnvironmentVariable("BENCH_RUNTIME_CS") ?? throw new InvalidOperationException("BENCH_RUNTIME_CS is not set.");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Host.UseDefaultServiceProvider(o => { o.ValidateScopes = false; o.ValidateOnBuild = false; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");

        WebApplication app;
        switch (mode)
        {
            case "kernel":
                builder.Configuration["ConnectionStrings:Kernel"] = runtime;
                builder.Configuration["ConnectionStrings:KernelOwner"] = Environment.GetEnvironmentVariable("BENCH_OWNER_CS");
                builder.Configuration["Kernel:Auth:Authority"] = issuer;
                builder.Configuration["Kernel:Auth:Issuer"] = issuer;
                builder.Configuration["Kernel:Auth:Audience"] = Audience;
                builder.Configuration["Kernel:Auth:RequireHttpsMetadata"] = "false";
                builder.Configuration["Kernel:Jobs:WorkerEnabled"] = "false";
                builder.Configuration["Kernel:Jobs:SchedulerEnabled"] = "false";

                // Rate limiting on, as a deployment runs it, with limits no run reaches: the route pays for the
                // limiter's partition lookups and leases without requests being refused. Request limits are always on.
                builder.Configuration["Kernel:RateLimiting:Enabled"] = "true";
                builder.Configuration["Kernel:RateLimiting:Default:TenantPermits"] = "1000000000";
                builder.Configuration["Kernel:RateLimiting:Default:ActorPermits"] = "1000000000";
                builder.Services.AddKernel(builder.Configuration).AddAddon<RequestsAddon>().AddAddon<BenchAddon>();
                app = builder.Build();
                app.MapGet("/ready", () => "ready").ExcludeFromKernel();
                app.MapKernel();
                break;
            case "raw":
                AddJwtBearer(builder, issuer);
                builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(runtime));
                app = builder.Build();
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapGet("/ready", () => "ready");
                RawEndpoints.Map(app);
                break;
            case "fastendpoints":
                AddJwtBearer(builder, issuer);
                builder.Services.AddFastEndpoints(o => o.Assemblies = [typeof(HelloEndpoint).Assembly]);
                app = builder.Build();
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapGet("/ready", () => "ready");
                app.UseFastEndpoints();
                break;
            default:
                await Console.Error.WriteLineAsync($"Unknown host mode '{mode}': raw, kernel or fastendpoints.");
                return 2;
        }

        await app.RunAsync();
        return 0;
    }

    /// <summary>The same validation the kernel configures: issuer, audience, lifetime (30 s skew), RS256 only, keys from discovery.</summary>
    private static void AddJwtBearer(WebApplicationBuilder builder, string issuer)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.Authority = issuer;
            o.Audience = Audience;
            o.RequireHttpsMetadata = false;
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidAudience = Audience,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorization();
    }
}
