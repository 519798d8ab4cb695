using System.Net;
using System.Net.Http.Json;
using Kernel.Testing;

namespace KernelApp.Tests;

/// <summary>
/// The app over HTTP, on its own migrated database of a private PostgreSQL, acting as tenants and actors through
/// the development identity headers. <c>CreateClientAs</c> registers the tenant it acts as in the tenant registry.
/// </summary>
public sealed class CrossTenantTests(KernelWebApplicationFactory<Program> app) : IClassFixture<KernelWebApplicationFactory<Program>>
{
    private const string Items = "/api/kerneladdon/items";

    [Fact]
    public async Task Another_tenants_item_is_not_found()
    {
        using var alice = app.CreateClientAs(Guid.NewGuid(), "alice", "member");
        using var bob = app.CreateClientAs(Guid.NewGuid(), "bob", "member");

        var created = await alice.PostAsJsonAsync(Items, new { title = "Quarterly report" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!;

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(location)).StatusCode);
        var stranger = await bob.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_caller_without_identity_is_unauthenticated()
    {
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync($"{Items}/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_tenant_the_registry_does_not_know_is_refused()
    {
        using var stranger = app.CreateClient();
        stranger.DefaultRequestHeaders.Add("X-Dev-Tenant", Guid.NewGuid().ToString());
        stranger.DefaultRequestHeaders.Add("X-Dev-Actor", "mallory");
        stranger.DefaultRequestHeaders.Add("X-Dev-Roles", "member");

        var response = await stranger.PostAsJsonAsync(Items, new { title = "Quarterly report" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("TENANT_UNKNOWN", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_tenant_is_refused_until_a_platform_operator_resumes_it()
    {
        var tenant = Guid.NewGuid();
        using var alice = app.CreateClientAs(tenant, "alice", "member");
        using var operators = app.CreateClient();
        operators.DefaultRequestHeaders.Add("X-Dev-Actor", "ops@platform");
        operators.DefaultRequestHeaders.Add("X-Dev-Roles", "platform-operator");

        var suspended = await operators.PostAsJsonAsync($"/api/platform/tenants/{tenant}/suspend", new { reason = "Unpaid invoice" });
        var refused = await alice.PostAsJsonAsync(Items, new { title = "Quarterly report" });
        var resumed = await operators.PostAsync($"/api/platform/tenants/{tenant}/resume", content: null);
        var created = await alice.PostAsJsonAsync(Items, new { title = "Quarterly report" });

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("TENANT_SUSPENDED", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task An_invalid_item_is_a_validation_error()
    {
        using var alice = app.CreateClientAs(Guid.NewGuid(), "alice", "member");

        var response = await alice.PostAsJsonAsync(Items, new { title = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("VALIDATION_FAILED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
