using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Kernel.Auth;

/// <summary>
/// Identity from a JWT bearer token, validated by ASP.NET Core's JwtBearer handler (scheme <see cref="KernelJwt.Scheme"/>):
/// signature against the issuer's published keys, issuer, audience, lifetime and the algorithm allow-list. No
/// <c>Authorization: Bearer</c> header is <see cref="IdentityResult.None"/>; anything wrong with a presented token is
/// one uniform failure (the reason is logged, not returned).
/// </summary>
internal sealed partial class JwtIdentitySource(
    IOptions<KernelOptions> options,
    IOptionsMonitor<JwtBearerOptions> jwtOptions,
    IServiceScopeFactory scopes,
    ILogger<JwtIdentitySource> logger) : IIdentitySource
{
    public const string InvalidToken = "The bearer token is missing, malformed, expired or not issued for this API.";

    private readonly KernelAuthOptions _auth = options.Value.Auth;
    private readonly ClaimPath _tenantClaim = new(options.Value.Auth.TenantClaim);
    private readonly ClaimPath _rolesClaim = new(options.Value.Auth.RolesClaim);

    // Only the header and host strategies read memberships: without them, a request does not pay for the claim.
    private readonly ClaimPath? _membershipsClaim = options.Value.Tenancy.HeaderName is null && options.Value.Tenancy.HostSuffix is null
        ? null
        : new(options.Value.Tenancy.MembershipsClaim);

    public async ValueTask<IdentityResult> AuthenticateAsync(HttpContext httpContext)
    {
        if (!_auth.JwtEnabled)
        {
            return IdentityResult.None;
        }

        var headers = httpContext.Request.Headers[HeaderNames.Authorization];
        if (headers.Count == 0)
        {
            return IdentityResult.None;
        }

        var header = headers.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return IdentityResult.None;
        }

        // Checked before anything parses it: a huge token costs nothing but this comparison.
        if (headers.Count != 1 || Encoding.UTF8.GetByteCount(header) - "Bearer ".Length > _auth.MaxTokenBytes)
        {
            LogRejected(logger, "the token is larger than Kernel:Auth:MaxTokenBytes or sent twice");
            return IdentityResult.Failed(InvalidToken);
        }

        var result = await httpContext.AuthenticateAsync(KernelJwt.Scheme).ConfigureAwait(false);
        if (!result.Succeeded && IsUnknownKey(result.Failure) && RefreshKeys())
        {
            // The issuer may have rotated its keys: validate once more, with a fresh handler, against fresh keys.
            result = await AuthenticateAgainAsync(httpContext).ConfigureAwait(false);
        }

        if (result.None)
        {
            return IdentityResult.Failed(InvalidToken); // A 'Bearer' header with no token in it.
        }

        if (!result.Succeeded)
        {
            LogRejected(logger, result.Failure?.GetType().Name ?? "unknown");
            return IdentityResult.Failed(InvalidToken);
        }

        var principal = result.Principal;
        var actor = principal.FindFirst(_auth.ActorClaim)?.Value;
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200)
        {
            LogRejected(logger, $"no usable '{_auth.ActorClaim}' claim");
            return IdentityResult.Failed(InvalidToken);
        }

        var tenants = _tenantClaim.Values(principal);
        if (tenants.Count > 1)
        {
            LogRejected(logger, $"several '{_auth.TenantClaim}' claims");
            return IdentityResult.Failed(InvalidToken);
        }

        // An array claim arrives as one claim per element; a space-separated string (OAuth 'scope' style) is split.
        var roles = _rolesClaim.Values(principal)
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        return new IdentityResult
        {
            ActorId = actor,
            Tenant = tenants.FirstOrDefault(),
            Roles = roles,
            Memberships = _membershipsClaim?.Values(principal) ?? [],
        };
    }

    private static bool IsUnknownKey(Exception? failure) => failure switch
    {
        SecurityTokenSignatureKeyNotFoundException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(e => e is SecurityTokenSignatureKeyNotFoundException),
        _ => false,
    };

    /// <summary>Asks the key manager for a refresh; true when it will fetch the keys again (at most once per refresh interval).</summary>
    private bool RefreshKeys()
    {
        if (jwtOptions.Get(KernelJwt.Scheme).ConfigurationManager is not SigningKeyManager keys)
        {
            return false;
        }

        keys.RequestRefresh();
        return keys.RefreshPending;
    }

    // Handlers cache their result per request, so the second attempt runs in a scope of its own.
    private async Task<AuthenticateResult> AuthenticateAgainAsync(HttpContext httpContext)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = await scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>()
            .GetHandlerAsync(httpContext, KernelJwt.Scheme).ConfigureAwait(false);
        return handler is null ? AuthenticateResult.NoResult() : await handler.AuthenticateAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "A bearer token was rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
