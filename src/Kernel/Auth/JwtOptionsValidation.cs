using Microsoft.Extensions.Hosting;

namespace Kernel.Auth;

/// <summary>The start-up checks of the JWT settings (<c>Kernel:Auth</c>), run by the kernel's options validator.</summary>
internal static class JwtOptionsValidation
{
    /// <summary>Asymmetric algorithms only: an HMAC key would have to be shared with the API, and <c>none</c> is no signature.</summary>
    public static readonly IReadOnlySet<string> Permitted = new HashSet<string>(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };

    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    public static void Check(List<string> failures, KernelAuthOptions auth, IHostEnvironment environment)
    {
        if (!auth.JwtEnabled)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(auth.JwksUri) && (!string.IsNullOrWhiteSpace(auth.Authority) || !string.IsNullOrWhiteSpace(auth.MetadataAddress)))
        {
            failures.Add("Kernel:Auth:JwksUri cannot be combined with Authority or MetadataAddress. Use OIDC discovery (Authority) or a JWKS URL, not both.");
        }

        foreach (var (setting, value) in new[] { ("Authority", auth.Authority), ("MetadataAddress", auth.MetadataAddress), ("JwksUri", auth.JwksUri) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                failures.Add($"Kernel:Auth:{setting} '{value}' is not an absolute http(s) URL.");
            }
            else if (auth.RequireHttpsMetadata && uri.Scheme != "https")
            {
                failures.Add($"Kernel:Auth:{setting} '{value}' must use HTTPS (or, in Development only, set Kernel:Auth:RequireHttpsMetadata to false).");
            }
        }

        if (!auth.RequireHttpsMetadata && !environment.IsDevelopment())
        {
            failures.Add($"Kernel:Auth:RequireHttpsMetadata is off in the '{environment.EnvironmentName}' environment. Signing keys fetched over plain HTTP can be swapped in transit; it is allowed only in Development.");
        }

        if (string.IsNullOrWhiteSpace(auth.Issuer))
        {
            failures.Add("Kernel:Auth:Issuer is not set. Set it to the exact 'iss' your identity provider puts in its tokens.");
        }

        if (string.IsNullOrWhiteSpace(auth.Audience))
        {
            failures.Add("Kernel:Auth:Audience is not set. Set it to the 'aud' your identity provider issues for this API.");
        }

        foreach (var (setting, value) in new[] { ("ActorClaim", auth.ActorClaim), ("TenantClaim", auth.TenantClaim), ("RolesClaim", auth.RolesClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"Kernel:Auth:{setting} must name a claim.");
            }
        }

        if (auth.Algorithms.Count == 0)
        {
            failures.Add("Kernel:Auth:Algorithms is empty. List the signing algorithms your identity provider uses, e.g. RS256.");
        }

        var refused = auth.Algorithms.Where(a => !Permitted.Contains(a)).ToList();
        if (refused.Count > 0)
        {
            failures.Add($"Kernel:Auth:Algorithms lists {string.Join(", ", refused)}, which the kernel does not accept. Use asymmetric algorithms only: {string.Join(", ", Permitted)}.");
        }

        if (auth.ClockSkew < TimeSpan.Zero || auth.ClockSkew > MaxClockSkew)
        {
            failures.Add($"Kernel:Auth:ClockSkew {auth.ClockSkew} must be between 0 and {MaxClockSkew}.");
        }

        if (auth.MaxTokenBytes is < 1024 or > 64 * 1024)
        {
            failures.Add($"Kernel:Auth:MaxTokenBytes {auth.MaxTokenBytes} must be between 1024 and 65536.");
        }

        if (auth.KeyRefreshInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Kernel:Auth:KeyRefreshInterval must be at least 1 second.");
        }

        if (auth.MetadataRefreshInterval < TimeSpan.FromMinutes(5))
        {
            failures.Add("Kernel:Auth:MetadataRefreshInterval must be at least 5 minutes.");
        }
    }
}
