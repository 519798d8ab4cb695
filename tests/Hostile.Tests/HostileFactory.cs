using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hostile.Tests;

/// <summary>
/// The sample host (kernel, Requests, roles, audit, jobs, dev identity provider) on its own database, logging
/// everything at Debug into <see cref="Logs"/>. Rate limits are on but high: this suite is about input, not volume.
/// Signed-up tenants are on the sample's <c>pro</c> plan, so the optional reminders addon's routes are on for them too.
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
        builder.UseSetting("Kernel:Tenancy:DefaultPlan", "pro");
        foreach (var plan in new[] { "free", "pro" })
        {
            // A plan's budget replaces the configured one for its tenants.
            builder.UseSetting($"Kernel:Tenancy:Plans:{plan}:RateLimits:Default:TenantPermits", "1000000");
            builder.UseSetting($"Kernel:Tenancy:Plans:{plan}:RateLimits:Default:ActorPermits", "1000000");
        }

        builder.UseSetting("DevIdentity:LoginAttemptsPerAccount", "1000000");
        builder.UseSetting("DevIdentity:LoginAttemptsPerAddress", "1000000");
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        builder.ConfigureServices(services => services.AddSingleton(Logs));
    }
}
