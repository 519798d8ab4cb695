using Microsoft.Extensions.Configuration;
using WebHost.Identity;

namespace WebHost.Tests;

/// <summary>Which listen address the dev identity provider's issuer follows, in Kestrel's order of precedence.</summary>
public sealed class DevIdentityIssuerTests
{
    [Theory]
    [InlineData("http://localhost:5000", false)]
    [InlineData("http://127.0.0.1:5100", true, "urls", "http://127.0.0.1:5100")]
    [InlineData("http://127.0.0.1:5100", true, "urls", "https://127.0.0.1:5101;http://127.0.0.1:5100")]
    [InlineData("http://localhost:8080", false, "http_ports", "8080;8081")]
    [InlineData("https://localhost:8443", false, "https_ports", "8443")]
    [InlineData("http://127.0.0.1:5100", true, "urls", "http://127.0.0.1:5100", "http_ports", "8080")]
    [InlineData("http://0.0.0.0:6000", false, "urls", "http://127.0.0.1:5100", "Kestrel:Endpoints:Web:Url", "http://0.0.0.0:6000")]
    public void The_listen_address_follows_kestrels_precedence(string expected, bool fromUrls, params string[] settings)
    {
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < settings.Length; i += 2)
        {
            values[settings[i]] = settings[i + 1];
        }

        var (address, isUrls) = DevIdentityIssuer.ListenAddress(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        Assert.Equal(expected, address);
        Assert.Equal(fromUrls, isUrls);
    }
}
