using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Kernel;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace WebHost.Identity;

/// <summary>
/// The dev identity provider's endpoints: signup, invite, login, refresh, logout, discovery and JWKS. They are not
/// kernel routes (identity is cross-tenant and precedes any kernel context), so they are marked outside the kernel.
/// </summary>
internal static class IdentityEndpoints
{
    private const int MinPassword = 8;
    private const int MaxPassword = 128;
    private const string InvalidCredentials = "The email, password or tenant is not valid.";

    // Verified against when the email is unknown, so a miss costs what a wrong password costs.
    private static readonly string DummyHash = new PasswordHasher<object>().HashPassword(new object(), Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapDevIdentityProvider(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/openid-configuration", Discovery).ExcludeFromKernel()
            .Produces<DiscoveryDocument>()
            .Describe("devidentity.discovery", "The OpenID Connect discovery document", bearer: false, body: null);
        app.MapGet("/.well-known/jwks.json", (DevSigningKeys keys) => Results.Json(keys.Jwks())).ExcludeFromKernel()
            .Produces<JsonWebKeySet>()
            .Describe("devidentity.jwks", "The published signing keys (JWKS)", bearer: false, body: null);
        var auth = app.MapGroup("/auth");
        auth.MapPost("/signup", SignupAsync).ExcludeFromKernel()
            .Produces<MemberResponse>(StatusCodes.Status201Created)
            .Describe("devidentity.signup", "Sign up: a new tenant and its first admin", bearer: false, typeof(SignupBody), 400, 409, 415);
        auth.MapPost("/invite", InviteAsync).ExcludeFromKernel()
            .Produces<MemberResponse>(StatusCodes.Status201Created)
            .Describe("devidentity.invite", "Add a member to the caller's tenant (admins only)", bearer: true, typeof(InviteBody), 400, 401, 403, 409, 415);
        auth.MapPost("/login", LoginAsync).ExcludeFromKernel()
            .Produces<TokenResponse>()
            .Describe("devidentity.login", "Log in: an access token and a refresh token", bearer: false, typeof(LoginBody), 400, 401, 415, 429);
        auth.MapPost("/refresh", RefreshAsync).ExcludeFromKernel()
            .Produces<TokenResponse>()
            .Describe("devidentity.refresh", "Trade a refresh token for new tokens (rotating it)", bearer: false, typeof(RefreshBody), 400, 401, 415);
        auth.MapPost("/logout", LogoutAsync).ExcludeFromKernel()
            .Produces(StatusCodes.Status204NoContent)
            .Describe("devidentity.logout", "Revoke a refresh token and its family", bearer: false, typeof(RefreshBody), 400, 415);
        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            auth.MapPost("/dev-token", DevToken).ExcludeFromKernel()
                .Produces<DevTokenResponse>()
                .Describe("devidentity.devtoken", "Development only: an access token for any subject, tenant claim and roles", bearer: false, typeof(DevTokenBody), 400, 415);
        }

        return app;
    }

    private static DiscoveryDocument Discovery(IOptions<DevIdentityOptions> options)
    {
        var issuer = options.Value.Issuer!.TrimEnd('/');
        return new DiscoveryDocument(
            options.Value.Issuer!,
            $"{issuer}/.well-known/jwks.json",
            $"{issuer}/auth/login",
            ["public"],
            ["RS256"],
            ["sub", "email", "tenant_id", "roles"]);
    }

    /// <summary>
    /// A signed token for whatever the caller asks, as dev headers are an identity for whatever they say: for a platform
    /// operator (roles <c>platform-operator</c>, no tenant), or a tenant claim holding an organization id. Mapped in
    /// Development only; the kernel validates the token like any other (signature, issuer, audience, lifetime).
    /// </summary>
    private static async Task<IResult> DevToken(HttpContext http, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<DevTokenBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        var subject = body!.Subject?.Trim() ?? "";
        if (subject.Length is 0 or > 200)
        {
            errors["subject"] = ["Is required: 1 to 200 characters."];
        }

        if (body.Tenant is { Length: 0 or > 200 })
        {
            errors["tenant"] = ["Must be 1 to 200 characters, or absent for a token without a tenant."];
        }

        var roles = body.Roles ?? [];
        if (roles.Count > 20 || roles.Any(r => string.IsNullOrWhiteSpace(r) || r.Length > 100))
        {
            errors["roles"] = ["At most 20 roles of 1 to 100 characters."];
        }

        if (errors.Count > 0)
        {
            return Validation(errors);
        }

        return Results.Json(new DevTokenResponse(
            issuer.CreateDevToken(subject, body.Tenant, roles),
            (int)issuer.Options.AccessTokenLifetime.TotalSeconds,
            "Bearer"));
    }

    private static async Task<IResult> SignupAsync(HttpContext http, IdentityStore store, ITenantRegistry tenants, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<SignupBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        var email = ValidEmail(errors, body!.Email);
        ValidPassword(errors, body.Password);
        var tenantName = body.TenantName?.Trim() ?? "";
        if (tenantName.Length is 0 or > 200)
        {
            errors["tenantName"] = ["Is required: 1 to 200 characters."];
        }

        if (errors.Count > 0)
        {
            return Validation(errors);
        }

        var tenantId = Guid.CreateVersion7();
        var userId = Guid.CreateVersion7();
        var hash = new PasswordHasher<object>().HashPassword(userId, body.Password!);
        if (!await store.SignUpAsync(tenantId, tenantName, userId, email, hash, cancellationToken))
        {
            return Problem(StatusCodes.Status409Conflict, "CONFLICT", "An account with this email exists; log in and ask to be invited instead.");
        }

        // The kernel refuses tokens of tenants its registry does not know: provision the tenant there, as an identity
        // provider's signup webhook would.
        await tenants.CreateAsync(new NewTenant(SlugFor(tenantName, tenantId), tenantName) { Id = tenantId }, userId.ToString(), cancellationToken);
        return Results.Json(new MemberResponse(tenantId, userId, "admin"), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>A slug from the tenant's name, made unique with the start of its id (names repeat; ids do not).</summary>
    private static string SlugFor(string tenantName, Guid tenantId)
    {
        var slug = new System.Text.StringBuilder();
        foreach (var c in tenantName.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length == 40)
            {
                break;
            }
        }

        var stem = slug.ToString().Trim('-');
        var unique = tenantId.ToString("N")[^8..];
        return stem.Length == 0 ? "t-" + unique : stem + "-" + unique;
    }

    private static async Task<IResult> InviteAsync(HttpContext http, IdentityStore store, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers[HeaderNames.Authorization].ToString();
        var caller = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length <= 16 * 1024
            ? await issuer.ValidateAsync(header["Bearer ".Length..].Trim())
            : null;
        if (caller is not { } admin)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED", "An access token of a tenant admin is required.");
        }

        // The database, not the token, says who is an admin now.
        var memberships = await store.MembershipsAsync(admin.UserId, cancellationToken);
        if (!memberships.Any(m => m.TenantId == admin.TenantId && m.Role == "admin"))
        {
            return Problem(StatusCodes.Status403Forbidden, "FORBIDDEN", "Only an admin of the tenant can invite.");
        }

        var (body, error) = await ReadAsync<InviteBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var errors = new Dictionary<string, string[]>();
        var email = ValidEmail(errors, body!.Email);
        var role = body.Role ?? "member";
        if (role is not ("member" or "admin"))
        {
            errors["role"] = ["Must be 'member' or 'admin'."];
        }

        if (errors.Count > 0)
        {
            return Validation(errors);
        }

        var user = await store.FindUserAsync(email, cancellationToken);
        var userId = user?.Id ?? Guid.CreateVersion7();
        if (user is null)
        {
            ValidPassword(errors, body.Password);
            if (errors.Count > 0)
            {
                return Validation(errors);
            }

            await store.CreateUserAsync(userId, email, new PasswordHasher<object>().HashPassword(userId, body.Password!), cancellationToken);
        }

        if (!await store.AddMemberAsync(admin.TenantId, userId, role, cancellationToken))
        {
            return Problem(StatusCodes.Status409Conflict, "CONFLICT", "This user is already a member of the tenant.");
        }

        return Results.Json(new MemberResponse(admin.TenantId, userId, role), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IdentityStore store, TokenIssuer issuer, LoginThrottle throttle, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<LoginBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var email = (body!.Email ?? "").Trim().ToLowerInvariant();
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!throttle.TryAcquire(email, address, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "RATE_LIMITED", "Too many login attempts; retry later.");
        }

        var user = email.Length is > 0 and <= 254 ? await store.FindUserAsync(email, cancellationToken) : null;
        var hasher = new PasswordHasher<object>();
        var password = body.Password ?? "";
        var verdict = hasher.VerifyHashedPassword(user?.Id ?? Guid.Empty, user?.PasswordHash ?? DummyHash, password.Length <= MaxPassword ? password : "");
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return InvalidLogin(http);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await store.UpdatePasswordHashAsync(user.Id, hasher.HashPassword(user.Id, password), cancellationToken);
        }

        var memberships = await store.MembershipsAsync(user.Id, cancellationToken);
        IdentityStore.Membership? membership;
        if (body.TenantId is { } requested)
        {
            membership = memberships.FirstOrDefault(m => m.TenantId == requested);
            if (membership is null)
            {
                return InvalidLogin(http);
            }
        }
        else
        {
            // One tenant: that one. Several: a token without a tenant; log in again naming one.
            membership = memberships.Count == 1 ? memberships[0] : null;
        }

        var (refresh, hash) = TokenIssuer.CreateRefreshToken();
        await store.AddRefreshTokenAsync(hash, Guid.NewGuid(), user.Id, membership?.TenantId, time.GetUtcNow() + issuer.Options.RefreshTokenLifetime, cancellationToken);
        return Tokens(issuer, user, membership, refresh);
    }

    private static async Task<IResult> RefreshAsync(HttpContext http, IdentityStore store, TokenIssuer issuer, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<RefreshBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body!.RefreshToken is not { Length: > 0 and <= 200 } presented)
        {
            return InvalidRefresh(http);
        }

        var (successor, successorHash) = TokenIssuer.CreateRefreshToken();
        var token = await store.RotateAsync(TokenIssuer.Hash(presented), successorHash, time.GetUtcNow() + issuer.Options.RefreshTokenLifetime, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.UsedAt is not null || token.ExpiresAt <= time.GetUtcNow())
        {
            return InvalidRefresh(http);
        }

        // Roles and membership as they are now, not as they were at login.
        var memberships = await store.MembershipsAsync(token.UserId, cancellationToken);
        var membership = token.TenantId is { } tenant ? memberships.FirstOrDefault(m => m.TenantId == tenant) : null;
        if (token.TenantId is not null && membership is null)
        {
            await store.RevokeAsync(successorHash, cancellationToken);
            return InvalidRefresh(http);
        }

        var email = (await store.FindUserEmailAsync(token.UserId, cancellationToken)) ?? "";
        return Tokens(issuer, new IdentityStore.User(token.UserId, email, ""), membership, successor);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IdentityStore store, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadAsync<RefreshBody>(http, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        // Idempotent, and the same answer for unknown tokens: logout is no oracle.
        if (body!.RefreshToken is { Length: > 0 and <= 200 } presented)
        {
            await store.RevokeAsync(TokenIssuer.Hash(presented), cancellationToken);
        }

        return Results.NoContent();
    }

    private static IResult Tokens(TokenIssuer issuer, IdentityStore.User user, IdentityStore.Membership? membership, string refresh) =>
        Results.Json(new TokenResponse(
            issuer.CreateAccessToken(user.Id, user.Email, membership),
            refresh,
            (int)issuer.Options.AccessTokenLifetime.TotalSeconds,
            "Bearer"));

    private static IResult InvalidLogin(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problem(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED", InvalidCredentials);
    }

    private static IResult InvalidRefresh(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Problem(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED", "The refresh token is not valid.");
    }

    private static string ValidEmail(Dictionary<string, string[]> errors, string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant() ?? "";
        if (trimmed.Length is < 3 or > 254 || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
        {
            errors["email"] = ["Must be an email address."];
        }

        return trimmed;
    }

    private static void ValidPassword(Dictionary<string, string[]> errors, string? password)
    {
        if (password is null || password.Length is < MinPassword or > MaxPassword)
        {
            errors["password"] = [$"Is required: {MinPassword} to {MaxPassword} characters."];
        }
    }

    private static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext http, CancellationToken cancellationToken)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "The request body must be JSON (Content-Type: application/json)."));
        }

        try
        {
            var body = await http.Request.ReadFromJsonAsync<T>(cancellationToken);
            return body is null ? (null, Validation(new() { ["body"] = ["A JSON object is required."] })) : (body, null);
        }
        catch (JsonException)
        {
            return (null, Validation(new() { ["body"] = ["The request body is not valid JSON, or a field has the wrong type."] }));
        }
    }

    private static IResult Validation(Dictionary<string, string[]> errors) =>
        Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            detail: "One or more fields are invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = "VALIDATION_FAILED", ["errors"] = errors });

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
