using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WebHost.Identity;

/// <summary>Mints RS256 access tokens and opaque refresh tokens, and validates its own access tokens for the invite endpoint.</summary>
internal sealed class TokenIssuer(DevSigningKeys keys, IOptions<DevIdentityOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    public DevIdentityOptions Options => options.Value;

    public string CreateAccessToken(Guid userId, string email, IdentityStore.Membership? membership)
    {
        var claims = new Dictionary<string, object> { ["email"] = email };
        if (membership is not null)
        {
            claims["tenant_id"] = membership.TenantId.ToString();
            claims["roles"] = new[] { membership.Role };
        }

        return Sign(userId.ToString(), claims);
    }

    /// <summary>
    /// A token for any subject, tenant claim value and roles (<c>POST /auth/dev-token</c>, Development only): the
    /// stand-in for a hosted provider's machine-to-machine or test tokens, such as a platform operator's, or one whose
    /// tenant claim is an organization id rather than a tenant UUID.
    /// </summary>
    public string CreateDevToken(string subject, string? tenant, IReadOnlyList<string> roles)
    {
        var claims = new Dictionary<string, object> { ["roles"] = roles.ToArray() };
        if (tenant is not null)
        {
            claims["tenant_id"] = tenant;
        }

        return Sign(subject, claims);
    }

    private string Sign(string subject, Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow().UtcDateTime;
        claims["sub"] = subject;
        claims["jti"] = Guid.NewGuid().ToString("N");
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Options.Issuer,
            Audience = Options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Options.AccessTokenLifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A new opaque refresh token and the hash it is stored under.</summary>
    public static (string Token, byte[] Hash) CreateRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string refreshToken) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(refreshToken));

    /// <summary>Validates one of this provider's own access tokens (for its management endpoint).</summary>
    public async Task<(Guid UserId, Guid TenantId)?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Audience,
            IssuerSigningKeys = keys.Published,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            TryAllIssuerSigningKeys = false,
        }).ConfigureAwait(false);
        return result.IsValid
            && result.Claims.TryGetValue("sub", out var sub) && Guid.TryParse(sub as string, out var userId)
            && result.Claims.TryGetValue("tenant_id", out var tenant) && Guid.TryParse(tenant as string, out var tenantId)
            ? (userId, tenantId)
            : null;
    }
}
