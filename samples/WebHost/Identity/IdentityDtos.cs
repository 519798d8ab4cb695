using System.Text.Json.Serialization;

namespace WebHost.Identity;

/// <summary>The body of <c>POST /auth/signup</c>.</summary>
internal sealed record SignupBody(string? Email, string? Password, string? TenantName);

/// <summary>The answer to a signup or an invite.</summary>
internal sealed record MemberResponse(Guid TenantId, Guid UserId, string Role);

/// <summary>The body of <c>POST /auth/invite</c>: an existing user, or a new one with <c>Password</c>.</summary>
internal sealed record InviteBody(string? Email, string? Password = null, string? Role = null);

/// <summary>The body of <c>POST /auth/login</c>.</summary>
internal sealed record LoginBody(string? Email, string? Password, Guid? TenantId = null);

/// <summary>The body of <c>POST /auth/refresh</c> and <c>POST /auth/logout</c>.</summary>
internal sealed record RefreshBody(string? RefreshToken);

/// <summary>Issued tokens, OAuth 2.0 style.</summary>
internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>The body of <c>POST /auth/dev-token</c> (Development only).</summary>
/// <param name="Subject">The token's <c>sub</c>: the actor id.</param>
/// <param name="Tenant">The tenant claim's value, as it is: a tenant UUID, an organization id, or none.</param>
/// <param name="Roles">The roles claim.</param>
internal sealed record DevTokenBody(string? Subject, string? Tenant = null, IReadOnlyList<string>? Roles = null);

/// <summary>An access token without a refresh token.</summary>
internal sealed record DevTokenResponse(string AccessToken, int ExpiresIn, string TokenType);

/// <summary>The provider's OpenID Connect discovery document (the members this provider fills).</summary>
internal sealed record DiscoveryDocument(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("subject_types_supported")] IReadOnlyList<string> SubjectTypesSupported,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
    [property: JsonPropertyName("claims_supported")] IReadOnlyList<string> ClaimsSupported);

/// <summary>The provider's published signing keys (RFC 7517).</summary>
internal sealed record JsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<PublishedKey> Keys);

/// <summary>One RSA public key of the JWKS.</summary>
internal sealed record PublishedKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("n")] string N,
    [property: JsonPropertyName("e")] string E);
