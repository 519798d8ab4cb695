using Addons.Requests;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;
using WebHost.Demo;
using WebHost.Identity;
using WebHost.OpenApi;
using WebHost.Start;
using WebHost.Telemetry;

var command = KernelCommandLine.FindCommand(args);
var builder = WebApplication.CreateBuilder(args);

// Exporters (OTLP, console), JSON logs and error tracking, each behind its own setting; none by default.
builder.AddSampleTelemetry();

// The kernel and its addons. Everything an addon needs (context, auth decision, unit of work under
// row-level security, error envelope, audit, telemetry) comes from here.
builder.Services.AddKernel(builder.Configuration).AddAddon<RequestsAddon>().AddAddon<RemindersAddon>().AddAddon<DevIdentityAddon>()
    .AddOpenApi(configure: SampleOpenApi.Configure);

// No connection string configured? Start a private PostgreSQL for this process (dev and demo only).
builder.Services.AddLocalPostgresWhenUnconfigured();
builder.Services.AddHealthChecks().AddKernelChecks();

if (command == "demo")
{
    // Any free loopback port; UseListenAddressAsDevIssuer below fixes it before start and points the kernel at it.
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Configuration["Logging:LogLevel:Default"] = "Warning";
}

if (command == "worker" && string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // Worker-only instance: runs the job worker and scheduler; HTTP (health probes) stays on loopback unless
    // ASPNETCORE_URLS says otherwise. Web-only instances set Kernel:Jobs:WorkerEnabled=false.
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

// In Development the sample's dev identity provider issues the tokens, at whatever address the host listens on.
builder.UseListenAddressAsDevIssuer();

var app = builder.Build();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromKernel();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(KernelHealthChecksBuilderExtensions.ReadyTag) }).ExcludeFromKernel();
app.MapDevIdentityProvider();

// The OpenAPI 3.1 document of every route at /openapi/v1.json; in Development, a browsable reference at /scalar/v1.
app.MapOpenApi("/openapi/v1.json").ExcludeFromKernel(); // The one document: no document-name parameter to probe.
if (app.Environment.IsDevelopment())
{
    // "Try it" sends a bearer token (from /auth/login or /auth/dev-token) by default.
    app.MapScalarApiReference(options => options.AddPreferredSecuritySchemes("Bearer")).ExcludeFromKernel();
}

// GET / lists the places above (and the start-up log names them with the address the host listens on).
app.MapStartPage();
app.MapKernel();

switch (command)
{
    case "migrate":
        var applied = await app.MigrateKernelDatabaseAsync();
        Console.WriteLine($"Applied {applied} migration(s).");
        return 0;
    case "demo":
        return await DemoRunner.RunAsync(app);
    case "tenant":
        // tenant export <id|slug> --out FILE, tenant import <id|slug> --in FILE (as the owner role).
        return await app.RunKernelTenantCommandAsync(args);
    case null or "worker":
        if (!await app.RunUntilStoppedAsync())
        {
            await Console.Error.WriteLineAsync("Stopped while starting.");
        }

        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: (none) to serve (and run jobs), 'worker' to run jobs only, 'migrate', 'demo', 'tenant export|import'.");
        return 2;
}

/// <summary>The sample host's entry point; public for WebApplicationFactory-based tests.</summary>
public partial class Program;
