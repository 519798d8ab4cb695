using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WebHost.Tests;

public sealed class RequestsApiTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    private readonly Guid _tenantA = Guid.NewGuid();
    private readonly Guid _tenantB = Guid.NewGuid();

    [Fact]
    public async Task Creating_a_request_returns_201_with_location_and_etag()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "member");

        var response = await client.PostAsJsonAsync("/api/requests", new { title = "Broken chair", priority = "low" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal($"/api/requests/{body!["id"]}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal("open", (string?)body["status"]);
        Assert.Equal("low", (string?)body["priority"]);
        Assert.Equal("alice", (string?)body["requestedBy"]);
    }

    [Fact]
    public async Task Reading_another_tenants_request_returns_404()
    {
        using var alice = factory.CreateClientAs(_tenantA, "alice", "member");
        using var bob = factory.CreateClientAs(_tenantB, "bob", "admin");
        var created = await (await alice.PostAsJsonAsync("/api/requests", new { title = "Secret" })).Content.ReadFromJsonAsync<JsonObject>();

        var response = await bob.GetAsync($"/api/requests/{created!["id"]}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("NOT_FOUND", (string?)problem!["code"]);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
