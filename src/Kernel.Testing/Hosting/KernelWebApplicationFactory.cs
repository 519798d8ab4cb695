using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Kernel.Testing;

/// <summary>
/// Boots an app (its <typeparamref name="TEntryPoint"/>'s Program) in the Development environment on its own
/// fresh database of the private cluster, with dev identity headers on, for end-to-end tests over HTTP.
/// Use it as an xunit class fixture.
/// </summary>
/// <typeparam name="TEntryPoint">A type in the app's entry assembly, usually <c>Program</c>.</typeparam>
public class KernelWebApplicationFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint>, IAsyncLifetime
    where TEntryPoint : class
{
    private KernelTestDatabase? _database;

    /// <summary>The app's database.</summary>
    public KernelTestDatabase Database => _database ?? throw new InvalidOperationException("The factory has not been initialised.");

    /// <summary>
    /// Creates a client that acts as <paramref name="actorId"/> of <paramref name="tenantId"/> with <paramref name="roles"/>,
    /// registering the tenant in the kernel's registry first if it is not there yet.
    /// </summary>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="actorId">The actor id.</param>
    /// <param name="roles">The actor's roles.</param>
    /// <returns>An HTTP client for the in-memory server.</returns>
    public HttpClient CreateClientAs(Guid tenantId, string actorId, params string[] roles)
    {
        Database.RegisterTenant(tenantId);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenantId.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actorId);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync().ConfigureAwait(false);
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Kernel", Database.RuntimeConnectionString);
        builder.UseSetting("ConnectionStrings:KernelOwner", Database.OwnerConnectionString);
        builder.UseSetting("Kernel:Auth:EnableDevHeaders", "true");

        // The in-memory server is not on the network: the kernel's JWT scheme fetches discovery and JWKS documents
        // through it instead (only when the app configures JWT validation at all). Configure, not PostConfigure:
        // JwtBearer's own post-configuration builds its backchannel from this handler.
        builder.ConfigureServices(services => services.Configure<JwtBearerOptions>(
            Kernel.Auth.KernelJwt.Scheme,
            options => options.BackchannelHttpHandler ??= Server.CreateHandler()));
    }
}
