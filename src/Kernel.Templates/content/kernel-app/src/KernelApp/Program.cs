using KernelAddon;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// Commands: none = serve (and run jobs), "worker" = jobs only, "migrate" = apply migrations and exit (for deploys).
var command = KernelCommandLine.FindCommand(args); // Never the value of an option such as --urls.
var builder = WebApplication.CreateBuilder(args);

// The kernel and the app's addons: context, auth decision, unit of work under row-level security, error envelope,
// audit, jobs and telemetry come from here. AddOpenApi describes every kernel route at /openapi/v1.json.
// Requests act only in tenants of the registry (Kernel:Tenancy:Registry = Required): register them from your signup
// flow with ITenantRegistry, or as a platform operator with POST /api/platform/tenants.
builder.Services.AddKernel(builder.Configuration).AddAddon<KernelAddonAddon>().AddOpenApi();
if (builder.Environment.IsDevelopment())
{
    // No ConnectionStrings:Kernel? A private PostgreSQL for this process, from the installed server binaries.
    builder.Services.AddLocalPostgresWhenUnconfigured();
}

builder.Services.AddHealthChecks().AddKernelChecks();
if (command == "worker" && string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // A worker-only instance keeps its health probes on loopback unless ASPNETCORE_URLS says otherwise.
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

var app = builder.Build();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromKernel();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(KernelHealthChecksBuilderExtensions.ReadyTag) }).ExcludeFromKernel();
app.MapOpenApi("/openapi/v1.json").ExcludeFromKernel();
app.MapKernel();

switch (command)
{
    case "migrate":
        Console.WriteLine($"Applied {await app.MigrateKernelDatabaseAsync()} migration(s).");
        return 0;
    case null or "worker":
        await app.RunUntilStoppedAsync(); // A SIGTERM while starting (mid-migration) is a stop, not a crash.
        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: (none) to serve, 'worker', 'migrate'.");
        return 2;
}

/// <summary>The app's entry point; public for the tests' web application factory.</summary>
public partial class Program;
