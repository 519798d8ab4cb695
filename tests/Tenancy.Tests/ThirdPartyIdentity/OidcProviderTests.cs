using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// What the third-party provider's tokens look like on the wire, so tests built on <see cref="OidcProvider"/> stand
/// on RFC 9068 access tokens shaped as Auth0, WorkOS and Clerk shape them, signed with a key only its JWKS publishes.
/// </summary>
public sealed class OidcProviderTests(OidcProvider provider) : IClassFixture<OidcProvider>
{
    [Fact]
    public async Task An_access_token_is_an_RS256_at_jwt_signed_with_a_key_the_jwks_publishes()
    {
        var token = await provider.GetAccessTokenAsync(OidcProvider.AcmeService.ClientId, CancellationToken.None);
        var keys = await JwksAsync();

        var jwt = new JsonWebToken(token);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("RS256", jwt.Alg);
        Assert.Contains(jwt.Kid, keys.Keys.Select(key => key.Kid));

        var result = await ValidateAsync(token, keys);
        Assert.True(result.IsValid, result.Exception?.ToString());
    }

    [Theory]
    [InlineData("acme-service", "org_acme", "admin")]
    [InlineData("globex-service", "org_globex", "member")]
    [InlineData("stranger-service", "org_unmapped", "admin")]
    public async Task A_token_carries_the_clients_org_id_and_its_roles_under_the_uri_claim(string clientId, string orgId, string role)
    {
        var payload = Payload(await provider.GetAccessTokenAsync(clientId, CancellationToken.None));

        Assert.Equal(orgId, payload.GetProperty("org_id").GetString());
        var roles = payload.GetProperty(provider.RolesClaim);
        Assert.Equal(JsonValueKind.Array, roles.ValueKind);
        Assert.Equal([role], roles.EnumerateArray().Select(r => r.GetString()));
        Assert.False(payload.TryGetProperty("o", out _));
        Assert.Equal(clientId, payload.GetProperty("sub").GetString());
        Assert.Equal(provider.Audience, payload.GetProperty("aud").GetString());
        Assert.Equal(provider.Issuer, payload.GetProperty("iss").GetString());
        Assert.True(
            DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("exp").GetInt64()) > TimeProvider.System.GetUtcNow(),
            "The token is already expired.");
    }

    [Fact]
    public async Task The_nested_client_carries_its_organization_as_an_object_and_no_org_id()
    {
        var payload = Payload(await provider.GetAccessTokenAsync(OidcProvider.NestedService.ClientId, CancellationToken.None));

        Assert.Equal("org_acme", payload.GetProperty("o").GetProperty("id").GetString());
        Assert.False(payload.TryGetProperty("org_id", out _));
        Assert.Equal(["member"], payload.GetProperty(provider.RolesClaim).EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(provider.Audience, payload.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task A_token_whose_organization_was_rewritten_fails_validation_against_the_jwks()
    {
        var token = await provider.GetAccessTokenAsync(OidcProvider.StrangerService.ClientId, CancellationToken.None);
        var parts = token.Split('.');
        var forged = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("org_unmapped", "org_acme", StringComparison.Ordinal));

        var result = await ValidateAsync(string.Join('.', parts[0], forged, parts[2]), await JwksAsync());

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenInvalidSignatureException>(result.Exception);
    }

    private static JsonElement Payload(string token)
    {
        using var document = JsonDocument.Parse(Base64UrlEncoder.Decode(new JsonWebToken(token).EncodedPayload));
        return document.RootElement.Clone();
    }

    private async Task<JsonWebKeySet> JwksAsync()
    {
        using var http = new HttpClient();
        return new JsonWebKeySet(await http.GetStringAsync(provider.JwksUri, CancellationToken.None));
    }

    private Task<TokenValidationResult> ValidateAsync(string token, JsonWebKeySet keys) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = provider.Issuer,
            ValidAudience = provider.Audience,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeys = keys.GetSigningKeys(),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
        });
}
