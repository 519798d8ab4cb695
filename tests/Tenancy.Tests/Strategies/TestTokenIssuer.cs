using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Tests.Strategies;

/// <summary>
/// An identity provider reduced to what the kernel needs of one: an RSA key whose public half a loopback HTTP server
/// publishes as a JWKS, and tokens signed with it carrying whatever claims a test needs (a memberships claim, which
/// neither the sample's dev provider nor the OpenID provider fixture issues).
/// </summary>
public sealed class TestTokenIssuer : IAsyncDisposable
{
    public const string Issuer = "https://issuer.tenancy.test";
    public const string Audience = "tenancy-tests";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private WebApplication? _app;

    public TestTokenIssuer() => _key = new RsaSecurityKey(_rsa) { KeyId = $"test-{Guid.NewGuid():N}" };

    /// <summary>The JWKS address, for <c>Kernel:Auth:JwksUri</c>.</summary>
    public string JwksUri { get; private set; } = "";

    /// <summary>The kernel settings that make it trust this issuer.</summary>
    public Dictionary<string, string?> KernelSettings() => new()
    {
        ["Kernel:Auth:JwksUri"] = JwksUri,
        ["Kernel:Auth:Issuer"] = Issuer,
        ["Kernel:Auth:Audience"] = Audience,
        ["Kernel:Auth:RequireHttpsMetadata"] = "false",
    };

    public static async Task<TestTokenIssuer> StartAsync()
    {
        var issuer = new TestTokenIssuer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(issuer._rsa.ExportParameters(false)) { KeyId = issuer._key.KeyId });
        var jwks = System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } },
        });
        app.MapGet("/jwks", () => Results.Text(jwks, "application/json"));
        await app.StartAsync();
        issuer._app = app;
        issuer.JwksUri = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/jwks";
        return issuer;
    }

    /// <summary>A token for <paramref name="subject"/> with <paramref name="claims"/> (tenant, roles, memberships, …), valid for ten minutes.</summary>
    public string Mint(string subject, IDictionary<string, object> claims)
    {
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = new Dictionary<string, object>(claims) { ["sub"] = subject },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _rsa.Dispose();
    }
}
