using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;

namespace WebHost.Tests;

/// <summary>
/// The sample host on its own fresh database, one per test class. The kernel validates bearer tokens against the
/// sample's dev identity provider, fetching its discovery document and JWKS over (in-memory) HTTP.
/// </summary>
public class WebHostFactory : KernelWebApplicationFactory<Program>
{
    /// <summary>The issuer and authority the in-memory server answers for.</summary>
    public const string Issuer = "http://localhost";

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Kernel:Auth:Authority", Issuer);
        builder.UseSetting("Kernel:Auth:Issuer", Issuer);
        builder.UseSetting("Kernel:Auth:RequireHttpsMetadata", "false");
        builder.UseSetting("Kernel:Auth:KeyRefreshInterval", "00:00:01");
    }
}
