using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Tenancy.Lifecycle.TestHost;

var command = KernelCommandLine.FindCommand(args);
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddKernel(builder.Configuration).AddAddon<LifecycleTestAddon>();
builder.Services.AddHealthChecks();
var app = builder.Build();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromKernel();
app.MapKernel();
if (command == "tenant")
{
    return await app.RunKernelTenantCommandAsync(args);
}

await app.RunUntilStoppedAsync();
return 0;

/// <summary>The test host's entry point; public for WebApplicationFactory.</summary>
public partial class Program;
