using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tenancy.Tests;

/// <summary>
/// The sample host (kernel, Requests, dev identity provider) in memory on a database the test owns, so several hosts
/// can share one, each with its own settings. Dev headers are on; the JWT scheme's backchannel is left as JwtBearer
/// makes it, a real <see cref="HttpClientHandler"/>, so configured issuers are reached over the network (loopback).
/// </summary>
/// <param name="database">The database the host runs on.</param>
/// <param name="settings">Configuration on top of the sample's.</param>
/// <param name="services">More services, for example test addons (<c>services.AddKernel(configuration).AddAddon&lt;T&gt;()</c>).</param>
public sealed class TenancyHost(
    KernelTestDatabase database,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration>? services = null)
    : WebApplicationFactory<Program>
{
    /// <summary>The role that makes a platform operator (<c>Kernel:Tenancy:OperatorRole</c>'s default).</summary>
    public const string OperatorRole = "platform-operator";

    public KernelTestDatabase Database { get; } = database;

    /// <summary>A client acting as <paramref name="actor"/> of <paramref name="tenant"/> (dev headers), which it registers first.</summary>
    public HttpClient ClientAs(Guid tenant, string actor, params string[] roles)
    {
        Database.RegisterTenant(tenant);
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    /// <summary>A platform operator: the operator role and no tenant, as an operator console's token carries them.</summary>
    public HttpClient OperatorClient(string actor = "op")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", OperatorRole);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Kernel", Database.RuntimeConnectionString);
        builder.UseSetting("ConnectionStrings:KernelOwner", Database.OwnerConnectionString);
        builder.UseSetting("Kernel:Auth:EnableDevHeaders", "true");
        builder.UseSetting("Kernel:Jobs:PollInterval", "00:00:00.200");
        builder.UseSetting("Kernel:Jobs:SchedulerEnabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureServices((context, collection) => services(collection, context.Configuration));
        }
    }
}
