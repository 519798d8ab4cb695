using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kernel.LoadHarness.Http;

/// <summary>
/// Stands in for an OIDC provider: an RSA key, its discovery document and JWKS on a loopback port, and RS256 access
/// tokens (sub, tenant_id, roles) that every host validates the same way.
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private WebApplication? _app;

    public TokenIssuer()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "bench-key" };
    }

    public string Url { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Url,
            ["jwks_uri"] = $"{Url}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new
            {
                keys = new[] { new { kty = jwk.Kty, use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } },
            });
        });
        await _app.StartAsync();
        Url = _app.Urls.Single().TrimEnd('/');
    }

    public string Mint(Guid tenant, string actor, params string[] roles) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Url,
        Audience = Hosting.ServeCommand.Audience,
        Expires = DateTime.UtcNow.AddHours(4),
        SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        Claims = new Dictionary<string, object> { ["sub"] = actor, ["tenant_id"] = tenant.ToString(), ["roles"] = roles },
    });

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _rsa.Dispose();
    }
}
