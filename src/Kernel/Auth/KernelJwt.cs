using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Kernel.Auth;

/// <summary>
/// Registers ASP.NET Core's JwtBearer handler under the kernel's own scheme, configured from <c>Kernel:Auth</c>.
/// The kernel never parses tokens itself: <see cref="JwtIdentitySource"/> asks this scheme to authenticate.
/// </summary>
internal static class KernelJwt
{
    /// <summary>The authentication scheme name; apps keep their own default scheme, if any.</summary>
    public const string Scheme = "Kernel.Jwt";

    public static void AddKernelJwt(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(JwtIdentitySource)))
        {
            return;
        }

        services.AddAuthentication().AddJwtBearer(Scheme, _ => { });
        services.AddSingleton<JwtIdentitySource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIdentitySource, JwtIdentitySource>(sp => sp.GetRequiredService<JwtIdentitySource>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>());

        // A post-configuration, so the backchannel handler an app or test configured is in place.
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, KeysPostConfigure>();
    }

    /// <summary>Maps <c>Kernel:Auth</c> onto the scheme's JwtBearer options.</summary>
    private sealed class ConfigureJwtBearer(IOptions<KernelOptions> kernel) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != Scheme)
            {
                return;
            }

            var auth = kernel.Value.Auth;

            // Authority and MetadataAddress stay unset on JwtBearer: KeysPostConfigure installs the kernel's own
            // key manager for discovery and JWKS alike.
            options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            options.RefreshOnIssuerKeyNotFound = true;
            options.SaveToken = false;
            options.IncludeErrorDetails = false;

            // Claim names stay as the issuer wrote them ('sub', not a long WS-* URI).
            options.MapInboundClaims = false;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = auth.MaxTokenBytes });

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                ValidAlgorithms = auth.Algorithms.ToList(),
                ClockSkew = auth.ClockSkew,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                RequireAudience = true,

                // A kid that names no published key fails (and triggers a key refresh) instead of trying every key.
                TryAllIssuerSigningKeys = false,
                NameClaimType = auth.ActorClaim,
                RoleClaimType = auth.RolesClaim,
            };
        }
    }

    /// <summary>
    /// Installs the <see cref="SigningKeyManager"/>: OIDC discovery (<c>Authority</c> or <c>MetadataAddress</c>) or a
    /// bare JWKS (<c>JwksUri</c>), fetched over the scheme's backchannel.
    /// </summary>
    private sealed class KeysPostConfigure(IOptions<KernelOptions> kernel, TimeProvider time) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            var auth = kernel.Value.Auth;
            if (name != Scheme || !auth.JwtEnabled || options.ConfigurationManager is not null)
            {
                return;
            }

            options.Backchannel ??= new HttpClient(options.BackchannelHttpHandler ?? new HttpClientHandler())
            {
                Timeout = options.BackchannelTimeout,
                MaxResponseContentBufferSize = 1024 * 1024,
            };
            var documents = new HttpDocumentRetriever(options.Backchannel) { RequireHttps = auth.RequireHttpsMetadata };
            options.ConfigurationManager = string.IsNullOrWhiteSpace(auth.JwksUri)
                ? new SigningKeyManager(MetadataAddress(auth), new OpenIdConnectConfigurationRetriever(), documents, auth.KeyRefreshInterval, auth.MetadataRefreshInterval, time)
                : new SigningKeyManager(auth.JwksUri, new JwksRetriever(), documents, auth.KeyRefreshInterval, auth.MetadataRefreshInterval, time);
        }

        private static string MetadataAddress(KernelAuthOptions auth) =>
            !string.IsNullOrWhiteSpace(auth.MetadataAddress)
                ? auth.MetadataAddress
                : auth.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
    }
}
