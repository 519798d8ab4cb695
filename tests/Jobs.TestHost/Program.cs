using Jobs.TestHost;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var command = args.FirstOrDefault(a => !a.StartsWith('-'));
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddKernel(builder.Configuration).AddAddon<JobsTestAddon>();
builder.Services.AddHealthChecks().AddKernelChecks();
if (command == "worker")
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
}

var app = builder.Build();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(KernelHealthChecksBuilderExtensions.ReadyTag) }).ExcludeFromKernel();
app.MapKernel();
await app.RunAsync();

/// <summary>The test host's entry point; public for WebApplicationFactory.</summary>
public partial class Program;
