using System.Net;
using System.Net.Http.Json;
using Kernel.Testing;

namespace KernelApp.Tests;

/// <summary>
/// The app over HTTP, on its own migrated database of a private PostgreSQL, acting as tenants and actors through
/// the development identity headers.
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
    public async Task An_invalid_item_is_a_validation_error()
    {
        using var alice = app.CreateClientAs(Guid.NewGuid(), "alice", "member");

        var response = await alice.PostAsJsonAsync(Items, new { title = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("VALIDATION_FAILED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
