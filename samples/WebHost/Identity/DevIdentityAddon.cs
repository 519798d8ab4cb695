using System.Diagnostics.CodeAnalysis;
using Kernel;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace WebHost.Identity;

/// <summary>
/// The sample's dev identity provider, standing in for a hosted OIDC provider: users, tenants, memberships and
/// refresh tokens in its own <c>idp</c> schema (migrated by the kernel like any addon's), RS256 tokens, discovery and
/// JWKS. It declares no permissions and maps no kernel routes; its endpoints (<see cref="IdentityEndpoints"/>) are
/// outside the kernel. The API validates its tokens through the kernel's JWT source, over HTTP, like any issuer's.
/// </summary>
internal sealed class DevIdentityAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "devidentity",
        Version = "0.1.0",
        Summary = "A development identity provider: signup, invite, login, refresh, logout, discovery and JWKS.",
    };

    [SuppressMessage("Kernel.Data", "KRN3001", Justification = "The identity provider's own connection pool, for its own schema; see IdentityStore.")]
    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DevIdentityOptions>()
            .Bind(configuration.GetSection(DevIdentityOptions.SectionName))
            .PostConfigure<IOptions<KernelOptions>>((options, kernel) =>
            {
                options.Issuer ??= kernel.Value.Auth.Issuer;
                options.Audience ??= kernel.Value.Auth.Audience;
                options.ConnectionString ??= configuration.GetConnectionString("Identity") ?? kernel.Value.Database.OwnerConnectionString;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.Issuer) && !string.IsNullOrWhiteSpace(o.Audience), "DevIdentity needs an issuer and audience (DevIdentity:Issuer/Audience or Kernel:Auth:Issuer/Audience).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "DevIdentity needs a database (ConnectionStrings:Identity or the kernel's owner connection).")
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.LoginAttemptsPerAccount > 0 && o.LoginAttemptsPerAddress > 0, "DevIdentity lifetimes and limits must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new IdentityDataSource(NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<DevIdentityOptions>>().Value.ConnectionString!)));
        services.TryAddSingleton<DevSigningKeys>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<IdentityStore>();
    }
}
