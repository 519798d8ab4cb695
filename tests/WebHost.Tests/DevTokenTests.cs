using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WebHost.Tests;

/// <summary>
/// The dev identity provider's Development-only <c>POST /auth/dev-token</c>: signed tokens the kernel validates like any
/// other, for a platform operator or a tenant claim that holds an organization id.
/// </summary>
public sealed class DevTokenTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    [Fact]
    public async Task An_operator_token_lists_tenants_and_a_tenant_admins_token_is_refused_there()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("admin");
        var (tenant, _) = await IdentityClient.SignUpAsync(anonymous, email);
        var admin = await IdentityClient.AccessTokenAsync(anonymous, email);
        using var ops = factory.CreateClient().WithBearer(await DevTokenAsync(anonymous, "ops@platform", null, "platform-operator"));
        using var tenantAdmin = factory.CreateClient().WithBearer(admin);

        var listed = await ops.GetFromJsonAsync<JsonObject>("/api/platform/tenants?limit=200");
        var refused = await tenantAdmin.GetAsync("/api/platform/tenants");

        Assert.Contains(listed!["items"]!.AsArray(), t => (string?)t!["id"] == tenant.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("FORBIDDEN", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    [Fact]
    public async Task A_token_whose_tenant_claim_is_an_organization_id_reaches_the_tenant_registered_with_it()
    {
        using var anonymous = factory.CreateClient();
        using var ops = factory.CreateClient().WithBearer(await DevTokenAsync(anonymous, "ops@platform", null, "platform-operator"));
        var organization = $"org_{Guid.NewGuid():N}";
        var registered = await ops.PostAsJsonAsync("/api/platform/tenants", new { slug = $"org-{Guid.NewGuid():N}"[..20], name = "Org", externalIds = new[] { organization } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var member = factory.CreateClient().WithBearer(await DevTokenAsync(anonymous, "dana", organization, "admin"));
        using var stranger = factory.CreateClient().WithBearer(await DevTokenAsync(anonymous, "eve", "org_nobody", "admin"));

        var created = await member.PostAsJsonAsync("/api/requests", new { title = "Badge reader" });
        var unknown = await stranger.GetAsync("/api/requests");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("dana", (string?)(await created.Content.ReadFromJsonAsync<JsonObject>())!["requestedBy"]);
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal("TENANT_UNKNOWN", (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    [Fact]
    public async Task Suspending_a_tenant_refuses_its_very_next_request_and_resuming_admits_the_next()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("admin");
        var (tenant, _) = await IdentityClient.SignUpAsync(anonymous, email);
        using var admin = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, email));
        using var ops = factory.CreateClient().WithBearer(await DevTokenAsync(anonymous, "ops@platform", null, "platform-operator"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/requests")).StatusCode); // cached as active

        // No wait in between: the instance that commits the change evicts its cached copy before it answers.
        var suspended = await ops.PostAsJsonAsync($"/api/platform/tenants/{tenant}/suspend", new { reason = "Unpaid" });
        var refused = await admin.GetAsync("/api/requests");
        var resumed = await ops.PostAsync($"/api/platform/tenants/{tenant}/resume", content: null);
        var admitted = await admin.GetAsync("/api/requests");

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("TENANT_SUSPENDED", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task A_dev_token_without_a_subject_is_a_validation_error()
    {
        using var anonymous = factory.CreateClient();

        var response = await anonymous.PostAsJsonAsync("/auth/dev-token", new { tenant = "org_x", roles = new[] { "admin" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().ContainsKey("subject"));
    }

    private static async Task<string> DevTokenAsync(HttpClient http, string subject, string? tenant, params string[] roles)
    {
        var response = await http.PostAsJsonAsync("/auth/dev-token", new { subject, tenant, roles });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
    }
}
