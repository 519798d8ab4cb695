using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kernel.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tenancy.Tests.Strategies;

/// <summary>
/// Two sample hosts on one database, one naming the tenant by a header (<c>Kernel:Tenancy:HeaderName = X-Tenant</c>),
/// one by the request's host (<c>Kernel:Tenancy:HostSuffix = .example.test</c>), and tokens from an issuer of the
/// test's own that carry the memberships claim (<c>tenants</c>).
/// </summary>
public sealed class StrategyFixture : IAsyncLifetime
{
    public static readonly Guid Acme = Guid.NewGuid();
    public static readonly Guid Globex = Guid.NewGuid();

    /// <summary>Slug <c>initech</c>, which is also <see cref="InitechOrg"/>'s external id.</summary>
    public static readonly Guid InitechSlug = Guid.NewGuid();

    /// <summary>External id <c>initech</c> (the identity provider's organization id), slug <c>initech-org</c>.</summary>
    public static readonly Guid InitechOrg = Guid.NewGuid();

    public KernelTestDatabase Database { get; private set; } = null!;

    public TestTokenIssuer Issuer { get; private set; } = null!;

    public TenancyHost ByHeader { get; private set; } = null!;

    public TenancyHost ByHost { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await KernelTestDatabase.CreateAsync();
        Issuer = await TestTokenIssuer.StartAsync();
        Database.RegisterTenant(Acme, "acme", "org_acme");
        Database.RegisterTenant(Globex, "globex", "org_globex");
        Database.RegisterTenant(InitechSlug, "initech");
        Database.RegisterTenant(InitechOrg, "initech-org", "initech");
        ByHeader = new TenancyHost(Database, new Dictionary<string, string?>(Issuer.KernelSettings()) { ["Kernel:Tenancy:HeaderName"] = "X-Tenant" });
        ByHost = new TenancyHost(Database, new Dictionary<string, string?>(Issuer.KernelSettings()) { ["Kernel:Tenancy:HostSuffix"] = ".example.test" });
        _ = ByHeader.Server;
        _ = ByHost.Server;
    }

    public async Task DisposeAsync()
    {
        await ByHeader.DisposeAsync();
        await ByHost.DisposeAsync();
        await Issuer.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class TenantStrategyTests(StrategyFixture fixture) : IClassFixture<StrategyFixture>
{
    [Theory]
    [InlineData("acme", "acme")]
    [InlineData("acme", "org_acme")]
    [InlineData("org_acme", "acme")]
    [InlineData("ACME-ID", "acme")]
    [InlineData("acme", "ACME-ID")]
    public async Task The_header_is_accepted_when_the_memberships_claim_lists_the_tenant_it_names(string header, string membership)
    {
        var token = Token(memberships: [Id(membership)]);

        var requestId = await CreateThroughHeaderAsync(token, Id(header), HttpStatusCode.Created);

        Assert.Equal(StrategyFixture.Acme, await Owner.TenantOfRequestAsync(fixture.Database, requestId!.Value));
    }

    [Fact]
    public async Task The_header_is_accepted_when_the_tenant_claim_names_the_same_tenant()
    {
        var token = Token(tenant: "org_acme");

        var requestId = await CreateThroughHeaderAsync(token, "acme", HttpStatusCode.Created);

        Assert.Equal(StrategyFixture.Acme, await Owner.TenantOfRequestAsync(fixture.Database, requestId!.Value));
    }

    [Fact]
    public async Task The_header_naming_a_tenant_the_memberships_do_not_list_is_403_FORBIDDEN_and_writes_nothing()
    {
        var token = Token(memberships: ["globex"]);

        await CreateThroughHeaderAsync(token, "acme", HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task The_header_naming_another_tenant_than_the_tenant_claim_is_403_FORBIDDEN()
    {
        var token = Token(tenant: StrategyFixture.Acme.ToString());

        await CreateThroughHeaderAsync(token, "globex", HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task The_header_naming_no_registered_tenant_is_403_TENANT_UNKNOWN()
    {
        var token = Token(memberships: ["nosuch", "acme"]);

        await CreateThroughHeaderAsync(token, "nosuch", HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
        await CreateThroughHeaderAsync(token, Guid.NewGuid().ToString(), HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
    }

    [Fact]
    public async Task Without_the_header_the_tenant_claim_decides_as_before()
    {
        var requestId = await CreateThroughHeaderAsync(Token(tenant: "org_globex"), header: null, HttpStatusCode.Created);
        Assert.Equal(StrategyFixture.Globex, await Owner.TenantOfRequestAsync(fixture.Database, requestId!.Value));

        // Memberships alone name no tenant: the request must say which.
        await CreateThroughHeaderAsync(Token(memberships: ["acme"]), header: null, HttpStatusCode.Forbidden, "TENANT_REQUIRED");
    }

    [Theory]
    [InlineData("acme.example.test", "acme")]
    [InlineData("ACME.Example.Test", "acme")]
    [InlineData("acme.example.test", "ACME-ID")]
    [InlineData("acme.example.test", "org_acme")]
    public async Task The_host_is_accepted_when_the_memberships_claim_lists_the_tenant_whose_slug_it_carries(string host, string membership)
    {
        var requestId = await CreateThroughHostAsync(host, Token(memberships: [Id(membership)]), HttpStatusCode.Created);

        Assert.Equal(StrategyFixture.Acme, await Owner.TenantOfRequestAsync(fixture.Database, requestId!.Value));
    }

    [Fact]
    public async Task The_host_of_a_tenant_the_memberships_do_not_list_is_403_FORBIDDEN_and_writes_nothing()
    {
        await CreateThroughHostAsync("acme.example.test", Token(memberships: ["globex"]), HttpStatusCode.Forbidden, "FORBIDDEN");
        await CreateThroughHostAsync("acme.example.test", Token(tenant: "org_globex"), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task The_host_of_no_registered_tenant_is_403_TENANT_UNKNOWN()
    {
        await CreateThroughHostAsync("nosuch.example.test", Token(memberships: ["nosuch", "acme"]), HttpStatusCode.Forbidden, "TENANT_UNKNOWN");

        // The host names slugs only: an external id or an id in the label is no tenant.
        await CreateThroughHostAsync("org_acme.example.test", Token(memberships: ["org_acme"]), HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
    }

    [Fact]
    public async Task A_host_outside_the_suffix_leaves_the_tenant_claim_to_decide()
    {
        var requestId = await CreateThroughHostAsync("localhost", Token(tenant: "org_globex"), HttpStatusCode.Created);
        Assert.Equal(StrategyFixture.Globex, await Owner.TenantOfRequestAsync(fixture.Database, requestId!.Value));

        // A deeper label is not a tenant's host either.
        await CreateThroughHostAsync("a.acme.example.test", Token(memberships: ["acme"]), HttpStatusCode.Forbidden, "TENANT_REQUIRED");
    }

    [Fact]
    public async Task A_membership_that_is_one_tenants_external_id_and_anothers_slug_names_the_external_id_only()
    {
        // Resolution reads 'initech' as the external id first (the header lands in InitechOrg); the membership check
        // must read it alike, not also as the slug of InitechSlug.
        var viaHeader = await CreateThroughHeaderAsync(Token(memberships: ["initech"]), "initech", HttpStatusCode.Created);
        Assert.Equal(StrategyFixture.InitechOrg, await Owner.TenantOfRequestAsync(fixture.Database, viaHeader!.Value));

        await CreateThroughHostAsync("initech.example.test", Token(memberships: ["initech"]), HttpStatusCode.Forbidden, "FORBIDDEN");
        await CreateThroughHostAsync("initech.example.test", Token(tenant: "initech"), HttpStatusCode.Forbidden, "FORBIDDEN");

        // Its own members reach it by id.
        var viaHost = await CreateThroughHostAsync("initech.example.test", Token(memberships: [StrategyFixture.InitechSlug.ToString()]), HttpStatusCode.Created);
        Assert.Equal(StrategyFixture.InitechSlug, await Owner.TenantOfRequestAsync(fixture.Database, viaHost!.Value));
    }

    [Fact]
    public async Task A_tenant_claim_never_names_a_tenant_by_its_slug()
    {
        await CreateThroughHeaderAsync(Token(tenant: "acme"), "acme", HttpStatusCode.Forbidden, "FORBIDDEN");
        await CreateThroughHeaderAsync(Token(tenant: "acme"), header: null, HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
    }

    private static string Id(string name) => name == "ACME-ID" ? StrategyFixture.Acme.ToString() : name;

    private string Token(string? tenant = null, string[]? memberships = null)
    {
        var claims = new Dictionary<string, object> { ["roles"] = new[] { "member" } };
        if (tenant is not null)
        {
            claims["tenant_id"] = tenant;
        }

        if (memberships is not null)
        {
            claims["tenants"] = memberships;
        }

        return fixture.Issuer.Mint($"user-{Guid.NewGuid():N}", claims);
    }

    private async Task<Guid?> CreateThroughHeaderAsync(string token, string? header, HttpStatusCode status, string? code = null)
    {
        using var client = fixture.ByHeader.CreateClient();
        using var request = Request(token);
        if (header is not null)
        {
            request.Headers.Add("X-Tenant", header);
        }

        return await SendAsync(client, request, status, code);
    }

    private async Task<Guid?> CreateThroughHostAsync(string host, string token, HttpStatusCode status, string? code = null)
    {
        using var client = fixture.ByHost.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}") });
        using var request = Request(token);
        return await SendAsync(client, request, status, code);
    }

    private static HttpRequestMessage Request(string token)
    {
        var title = $"strategy-{Guid.NewGuid():N}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/requests") { Content = JsonContent.Create(new { title }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Options.Set(new HttpRequestOptionsKey<string>("title"), title);
        return request;
    }

    /// <summary>Sends the request; a success returns the new request's id, a refusal asserts the envelope and that nothing was written.</summary>
    private async Task<Guid?> SendAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode status, string? code)
    {
        var response = await client.SendAsync(request);
        if (code is null)
        {
            var created = await Http.ReadAsync(response, status);
            return Guid.Parse((string)created["id"]!);
        }

        await Http.AssertEnvelopeAsync(response, status, code);
        request.Options.TryGetValue(new HttpRequestOptionsKey<string>("title"), out var title);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from requests.requests where title = $1", title!));
        return null;
    }
}
