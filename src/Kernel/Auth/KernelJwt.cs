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

        // After JwtBearer's own post-configuration, which builds the discovery ConfigurationManager and the backchannel.
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, JwksPostConfigure>();
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
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                options.Authority = auth.Authority;
            }

            if (!string.IsNullOrWhiteSpace(auth.MetadataAddress))
            {
                options.MetadataAddress = auth.MetadataAddress;
            }

            options.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            options.RefreshOnIssuerKeyNotFound = true;
            options.RefreshInterval = auth.KeyRefreshInterval;
            options.AutomaticRefreshInterval = auth.MetadataRefreshInterval;
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

    /// <summary>For <c>Kernel:Auth:JwksUri</c>: a ConfigurationManager that reads a bare JWKS instead of a discovery document.</summary>
    private sealed class JwksPostConfigure(IOptions<KernelOptions> kernel) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions options)
        {
            var auth = kernel.Value.Auth;
            if (name != Scheme || string.IsNullOrWhiteSpace(auth.JwksUri) || options.ConfigurationManager is not null)
            {
                return;
            }

            options.Backchannel ??= new HttpClient(options.BackchannelHttpHandler ?? new HttpClientHandler())
            {
                Timeout = options.BackchannelTimeout,
                MaxResponseContentBufferSize = 1024 * 1024 * 10,
            };
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                auth.JwksUri,
                new JwksRetriever(),
                new HttpDocumentRetriever(options.Backchannel) { RequireHttps = auth.RequireHttpsMetadata })
            {
                RefreshInterval = auth.KeyRefreshInterval,
                AutomaticRefreshInterval = auth.MetadataRefreshInterval,
            };
        }
    }
}
