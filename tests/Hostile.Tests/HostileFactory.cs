using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hostile.Tests;

/// <summary>
/// The sample host (kernel, Requests, roles, audit, jobs, dev identity provider) on its own database, logging
/// everything at Debug into <see cref="Logs"/>. Rate limits are on but high: this suite is about input, not volume.
/// </summary>
public sealed class HostileFactory : KernelWebApplicationFactory<Program>
{
    public const string Issuer = "http://localhost";

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Kernel:Auth:Authority", Issuer);
        builder.UseSetting("Kernel:Auth:Issuer", Issuer);
        builder.UseSetting("Kernel:Auth:RequireHttpsMetadata", "false");
        builder.UseSetting("Kernel:RateLimiting:Enabled", "true");
        builder.UseSetting("Kernel:RateLimiting:Default:TenantPermits", "1000000");
        builder.UseSetting("Kernel:RateLimiting:Default:ActorPermits", "1000000");
        builder.UseSetting("DevIdentity:LoginAttemptsPerAccount", "1000000");
        builder.UseSetting("DevIdentity:LoginAttemptsPerAddress", "1000000");
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services => services.AddSingleton(Logs));
    }
}
