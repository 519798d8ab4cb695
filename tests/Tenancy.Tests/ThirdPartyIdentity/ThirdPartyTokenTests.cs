using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Kernel.Testing;

namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// The real OpenID provider, a database with Acme and Globex registered under their organization ids, and two sample
/// hosts that trust the provider over the network: one reading the tenant from <c>org_id</c>, one from the nested
/// <c>o.id</c>; both reading roles from the provider's URI claim.
/// </summary>
public sealed class ThirdPartyTokenFixture : IAsyncLifetime
{
    public static readonly Guid Acme = Guid.NewGuid();
    public static readonly Guid Globex = Guid.NewGuid();

    public OidcProvider Provider { get; } = new();

    public KernelTestDatabase Database { get; private set; } = null!;

    /// <summary><c>Kernel:Auth:TenantClaim = org_id</c>.</summary>
    public TenancyHost ByOrgId { get; private set; } = null!;

    /// <summary><c>Kernel:Auth:TenantClaim = o.id</c>.</summary>
    public TenancyHost ByNestedOrg { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Provider.InitializeAsync();
        Database = await KernelTestDatabase.CreateAsync();
        Database.RegisterTenant(Acme, "acme", "org_acme");
        Database.RegisterTenant(Globex, "globex", "org_globex");
        ByOrgId = new TenancyHost(Database, Settings("org_id"));
        ByNestedOrg = new TenancyHost(Database, Settings("o.id"));
        _ = ByOrgId.Server;
        _ = ByNestedOrg.Server;
    }

    public async Task DisposeAsync()
    {
        await ByOrgId.DisposeAsync();
        await ByNestedOrg.DisposeAsync();
        await Database.DisposeAsync();
        await Provider.DisposeAsync();
    }

    private Dictionary<string, string?> Settings(string tenantClaim) => new()
    {
        ["Kernel:Auth:Authority"] = Provider.Issuer,
        ["Kernel:Auth:MetadataAddress"] = Provider.MetadataAddress.ToString(),
        ["Kernel:Auth:Issuer"] = Provider.Issuer,
        ["Kernel:Auth:Audience"] = Provider.Audience,
        ["Kernel:Auth:TenantClaim"] = tenantClaim,
        ["Kernel:Auth:RolesClaim"] = Provider.RolesClaim,
        ["Kernel:Auth:RequireHttpsMetadata"] = "false",
    };
}

/// <summary>
/// Client-credentials access tokens (RFC 9068 <c>at+jwt</c>) from a third-party provider, validated against its
/// published keys: the organization id in the token picks the registered tenant, the URI roles claim picks the permissions.
/// </summary>
public sealed class ThirdPartyTokenTests(ThirdPartyTokenFixture fixture) : IClassFixture<ThirdPartyTokenFixture>
{
    [Fact]
    public async Task An_org_id_token_reaches_the_tenant_registered_with_that_external_id()
    {
        using var acme = await ClientAsync(fixture.ByOrgId, OidcProvider.AcmeService);
        var title = $"third-party-{Guid.NewGuid():N}";

        var id = await Http.CreateRequestAsync(acme, title);

        var read = await Http.ReadAsync(await acme.GetAsync($"/api/requests/{id}"), HttpStatusCode.OK);
        Assert.Equal(title, (string?)read["title"]);
        Assert.Equal(OidcProvider.AcmeService.ClientId, (string?)read["requestedBy"]);
        Assert.Equal(ThirdPartyTokenFixture.Acme, await Owner.TenantOfRequestAsync(fixture.Database, id));
    }

    [Fact]
    public async Task The_uri_roles_claim_grants_the_admin_roles_permissions()
    {
        using var acme = await ClientAsync(fixture.ByOrgId, OidcProvider.AcmeService);
        var id = await Http.CreateRequestAsync(acme, "to be edited by an admin");

        // Both need a permission only admin has: audit.read and requests.update.
        var audit = await Http.ReadAsync(await acme.GetAsync("/api/audit?limit=100"), HttpStatusCode.OK);
        Assert.Contains(audit["items"]!.AsArray(), e => (string?)e!["action"] == "requests.create" && (string?)e["targetId"] == id.ToString());
        await Http.ReadAsync(await acme.PatchAsJsonAsync($"/api/requests/{id}", new { title = "edited" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_member_from_the_provider_is_forbidden_an_admin_route()
    {
        using var globex = await ClientAsync(fixture.ByOrgId, OidcProvider.GlobexService);

        await Http.AssertEnvelopeAsync(await globex.GetAsync("/api/audit"), HttpStatusCode.Forbidden, "FORBIDDEN");

        // Its member permissions still hold, in its own tenant.
        var id = await Http.CreateRequestAsync(globex, "a member's request");
        Assert.Equal(ThirdPartyTokenFixture.Globex, await Owner.TenantOfRequestAsync(fixture.Database, id));
    }

    [Fact]
    public async Task An_organization_no_tenant_is_registered_for_is_403_TENANT_UNKNOWN()
    {
        using var stranger = await ClientAsync(fixture.ByOrgId, OidcProvider.StrangerService);
        var title = $"stranger-{Guid.NewGuid():N}";

        await Http.AssertEnvelopeAsync(await stranger.PostAsJsonAsync("/api/requests", new { title }), HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
        await Http.AssertEnvelopeAsync(await stranger.GetAsync("/api/requests"), HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from requests.requests where title = $1", title));
    }

    [Fact]
    public async Task A_nested_organization_claim_reaches_the_tenant_through_the_dotted_tenant_claim()
    {
        using var nested = await ClientAsync(fixture.ByNestedOrg, OidcProvider.NestedService);

        var id = await Http.CreateRequestAsync(nested, "through o.id");

        Assert.Equal(ThirdPartyTokenFixture.Acme, await Owner.TenantOfRequestAsync(fixture.Database, id));

        // Member, not admin: the roles came from the URI claim of this token, not from Acme's other client.
        await Http.AssertEnvelopeAsync(await nested.GetAsync("/api/audit"), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_token_whose_organization_is_not_where_the_host_reads_it_names_no_tenant()
    {
        // The o.id host reads no org_id: Acme's service token names no tenant there.
        using var acme = await ClientAsync(fixture.ByNestedOrg, OidcProvider.AcmeService);

        await Http.AssertEnvelopeAsync(await acme.GetAsync("/api/requests"), HttpStatusCode.Forbidden, "TENANT_REQUIRED");
    }

    private async Task<HttpClient> ClientAsync(TenancyHost host, OidcProviderClient client)
    {
        var token = await fixture.Provider.GetAccessTokenAsync(client.ClientId, CancellationToken.None);
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
