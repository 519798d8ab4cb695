using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using WebHost.Identity;

namespace WebHost.Tests;

/// <summary>
/// Hostile bearer tokens against a kernel route: each is a 401 UNAUTHENTICATED in the envelope with a Bearer
/// challenge, and none reaches the handler (no request is created).
/// </summary>
public sealed class JwtHostileInputTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    private static readonly Guid TenantA = Guid.NewGuid();
    private static readonly Guid TenantB = Guid.NewGuid();
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private DevSigningKeys Keys => factory.Services.GetRequiredService<DevSigningKeys>();

    [Fact]
    public async Task A_well_formed_token_is_accepted_so_the_rejections_below_are_about_their_flaw()
    {
        factory.Database.RegisterTenant(TenantA);
        var response = await CreateRequestAsync(Mint(), "control");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public Task Alg_none_is_rejected()
    {
        var token = $"{Segment(new { alg = "none", typ = "JWT" })}.{Segment(Payload())}.";
        return AssertRejectedAsync(token);
    }

    [Fact]
    public Task Hs256_signed_with_the_rsa_public_key_as_secret_is_rejected()
    {
        var publicKey = Keys.Current.Rsa.ExportSubjectPublicKeyInfoPem();
        var signingInput = $"{Segment(new { alg = "HS256", typ = "JWT", kid = Keys.Current.KeyId })}.{Segment(Payload())}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(publicKey), Encoding.ASCII.GetBytes(signingInput));
        return AssertRejectedAsync($"{signingInput}.{Base64UrlEncoder.Encode(signature)}");
    }

    [Fact]
    public Task An_expired_token_is_rejected() =>
        AssertRejectedAsync(Mint(issuedAt: DateTime.UtcNow.AddMinutes(-30), expires: DateTime.UtcNow.AddMinutes(-5)));

    [Fact]
    public Task A_token_not_yet_valid_is_rejected() =>
        AssertRejectedAsync(Mint(issuedAt: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(20)));

    [Fact]
    public Task A_token_from_another_issuer_is_rejected() => AssertRejectedAsync(Mint(issuer: "https://evil.example"));

    [Fact]
    public Task A_token_for_another_audience_is_rejected() => AssertRejectedAsync(Mint(audience: "some-other-api"));

    [Fact]
    public Task A_token_naming_an_unknown_kid_is_rejected()
    {
        // Signed by the real key, but under a kid the JWKS does not publish: keys are matched by kid, not tried.
        var relabelled = new RsaSecurityKey(Keys.Current.Rsa) { KeyId = "no-such-key" };
        return AssertRejectedAsync(Mint(key: relabelled));
    }

    [Fact]
    public async Task A_payload_tampered_after_signing_is_rejected()
    {
        var parts = Mint().Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["tenant_id"] = TenantB.ToString();
        await AssertRejectedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}", TenantB);
    }

    [Fact]
    public async Task A_token_signed_by_a_key_the_jwks_does_not_publish_is_rejected()
    {
        using var rsa = RSA.Create(2048);
        await AssertRejectedAsync(Mint(key: new RsaSecurityKey(rsa) { KeyId = "attacker" }));
    }

    [Fact]
    public Task A_token_without_sub_is_rejected() => AssertRejectedAsync(Mint(subject: null));

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")]
    [InlineData("eyJ7.eyJ9.AAAA")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJSUzI1NiIsImtpZCI6WzEsMl19.e30.AAAA")]
    public Task Garbage_in_the_header_or_claims_is_rejected(string token) => AssertRejectedAsync(token);

    [Fact]
    public Task Validly_signed_claims_of_the_wrong_types_are_rejected()
    {
        var payload = $$"""{"iss":"{{WebHostFactory.Issuer}}","aud":"kernel-sample-api","sub":{"id":1},"tenant_id":"{{TenantA}}","exp":"tomorrow"}""";
        return AssertRejectedAsync(_handler.CreateToken(payload, new SigningCredentials(Keys.Current, SecurityAlgorithms.RsaSha256)));
    }

    [Fact]
    public Task A_token_over_16_KiB_is_rejected_before_parsing()
    {
        var token = Mint(extra: new string('x', 17 * 1024));
        Assert.True(token.Length > 16 * 1024);
        return AssertRejectedAsync(token);
    }

    [Fact]
    public async Task No_token_is_401_with_a_plain_bearer_challenge()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/requests");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("UNAUTHENTICATED", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    private async Task AssertRejectedAsync(string token, Guid? tenant = null)
    {
        var marker = $"hostile-{Guid.NewGuid():N}";
        var response = await CreateRequestAsync(token, marker);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("UNAUTHENTICATED", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, await CountRequestsAsync(marker));
    }

    private async Task<HttpResponseMessage> CreateRequestAsync(string token, string title)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/requests") { Content = JsonContent.Create(new { title }) };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        return await client.SendAsync(request);
    }

    /// <summary>As the owner role, across tenants: did anything get through?</summary>
    private async Task<long> CountRequestsAsync(string title)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from requests.requests where title = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = title });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Dictionary<string, object> Payload(string? subject = "user-1") => Claims(subject, TenantA, null);

    private static Dictionary<string, object> Claims(string? subject, Guid tenant, string? extra)
    {
        var claims = new Dictionary<string, object>
        {
            ["tenant_id"] = tenant.ToString(),
            ["roles"] = new[] { "admin" },
            ["iss"] = WebHostFactory.Issuer,
            ["aud"] = "kernel-sample-api",
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["nbf"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
        };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (extra is not null)
        {
            claims["padding"] = extra;
        }

        return claims;
    }

    private string Mint(
        string issuer = WebHostFactory.Issuer,
        string audience = "kernel-sample-api",
        DateTime? issuedAt = null,
        DateTime? expires = null,
        SecurityKey? key = null,
        string? subject = "user-1",
        string? extra = null)
    {
        var claims = Claims(subject, TenantA, extra);
        claims.Remove("iss");
        claims.Remove("aud");
        claims.Remove("iat");
        claims.Remove("nbf");
        claims.Remove("exp");
        var now = issuedAt ?? DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Keys.Current, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string Segment(object value) => Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(value));
}
