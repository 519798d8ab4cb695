using Kernel.Testing;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kernel.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tenancy.Lifecycle.Tests;

/// <summary>The test host in process (TestServer, which like Kestrel refuses synchronous IO) on a given database.</summary>
public sealed class LifecycleHost(KernelTestDatabase database, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>What the host logged (every level), for failure messages.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// What each request's handler told the audit (<c>AuditTarget</c>: target, details, whether the tenant's log gets
    /// it), read when the request is done: what the route wrapper files in the platform audit stream.
    /// </summary>
    public ConcurrentQueue<AuditRecord> Audit { get; } = new();

    /// <summary>A client acting as the platform operator <c>op</c> (dev headers, no tenant).</summary>
    public HttpClient Operator()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Actor", "op");
        client.DefaultRequestHeaders.Add("X-Dev-Roles", "platform-operator");
        client.Timeout = TimeSpan.FromMinutes(5);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("LIFECYCLE_LOGS") is { Length: > 0 } path)
        {
            await File.AppendAllTextAsync(path, Logs.AllText());
        }

        await base.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Kernel", database.RuntimeConnectionString);
        builder.UseSetting("ConnectionStrings:KernelOwner", database.OwnerConnectionString);
        builder.UseSetting("Kernel:Auth:EnableDevHeaders", "true");

        // Nothing else touches the seeded rows (a worker would claim the seeded jobs).
        builder.UseSetting("Kernel:Jobs:WorkerEnabled", "false");
        builder.UseSetting("Kernel:Jobs:SchedulerEnabled", "false");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new AuditCapture(Audit)));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>One request's audit target as its handler left it.</summary>
public sealed record AuditRecord(string Method, string Path, string? TargetType, string? TargetId, JsonObject? Details, bool TenantLog);

/// <summary>Outermost middleware: once a request is done, keeps what its handler set on <c>AuditTarget</c>.</summary>
internal sealed class AuditCapture(ConcurrentQueue<AuditRecord> records) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            await following(context);
            var target = context.RequestServices.GetRequiredService<AuditTarget>();
            records.Enqueue(new AuditRecord(context.Request.Method, context.Request.Path, target.Type, target.Id, target.Details, target.TenantLog));
        });
        next(app);
    };
}
