using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
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

        var response = await client.PostAsJsonAsync("/api/requests", new { title = "  Broken chair  ", priority = "low", dueAt = "2026-12-01T09:00:00+01:00" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal($"/api/requests/{body!["id"]}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal("Broken chair", (string?)body["title"]);
        Assert.Equal("open", (string?)body["status"]);
        Assert.Equal("low", (string?)body["priority"]);
        Assert.Equal("alice", (string?)body["requestedBy"]);
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), (DateTimeOffset?)body["dueAt"]);

        var read = await client.GetFromJsonAsync<JsonObject>(response.Headers.Location);
        Assert.Equal((string?)body["id"], (string?)read!["id"]);
    }

    [Fact]
    public async Task Reading_another_tenants_request_returns_404_like_a_missing_one()
    {
        using var alice = factory.CreateClientAs(_tenantA, "alice", "member");
        using var bob = factory.CreateClientAs(_tenantB, "bob", "admin");
        var id = await CreateAsync(alice, "Secret");

        var crossTenant = await bob.GetAsync($"/api/requests/{id}");
        var missing = await bob.GetAsync($"/api/requests/{Guid.NewGuid()}");

        var crossProblem = await AssertEnvelopeAsync(crossTenant, HttpStatusCode.NotFound, "NOT_FOUND");
        var missingProblem = await AssertEnvelopeAsync(missing, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal((string?)missingProblem["detail"], (string?)crossProblem["detail"]);
    }

    [Fact]
    public async Task Updating_or_transitioning_another_tenants_request_is_404_and_changes_nothing()
    {
        using var alice = factory.CreateClientAs(_tenantA, "alice", "admin");
        using var bob = factory.CreateClientAs(_tenantB, "bob", "admin");
        var id = await CreateAsync(alice, "Mine");

        await AssertEnvelopeAsync(await bob.PatchAsJsonAsync($"/api/requests/{id}", new { title = "Hijacked" }), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertEnvelopeAsync(await bob.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "cancelled" }), HttpStatusCode.NotFound, "NOT_FOUND");

        var stored = await alice.GetFromJsonAsync<JsonObject>($"/api/requests/{id}");
        Assert.Equal("Mine", (string?)stored!["title"]);
        Assert.Equal("open", (string?)stored["status"]);
    }

    [Fact]
    public async Task Listing_filters_by_status_and_assignee_and_pages_with_a_cursor()
    {
        var tenant = Guid.NewGuid();
        using var admin = factory.CreateClientAs(tenant, "admin-1", "admin");
        for (var i = 0; i < 7; i++)
        {
            var id = await CreateAsync(admin, $"r{i}", assignee: i % 2 == 0 ? "carol" : null);
            if (i < 3)
            {
                (await admin.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "in_progress" })).EnsureSuccessStatusCode();
            }
        }

        var inProgress = await admin.GetFromJsonAsync<JsonObject>("/api/requests?status=in_progress");
        var carols = await admin.GetFromJsonAsync<JsonObject>("/api/requests?assignee=carol");
        Assert.Equal(3, inProgress!["items"]!.AsArray().Count);
        Assert.Equal(4, carols!["items"]!.AsArray().Count);

        var titles = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonObject>($"/api/requests?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}");
            titles.AddRange(page!["items"]!.AsArray().Select(item => (string)item!["title"]!));
            cursor = (string?)page["nextCursor"];
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["r6", "r5", "r4", "r3", "r2", "r1", "r0"], titles); // newest first
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("status=done", "status")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Bad_list_parameters_are_400_naming_the_parameter(string query, string field)
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "member");

        var problem = await AssertEnvelopeAsync(await client.GetAsync($"/api/requests?{query}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Validation_errors_name_every_bad_field()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "member");

        var response = await client.PostAsJsonAsync("/api/requests", new { title = new string('x', 201), body = new string('y', 10_001), priority = "urgent", assignee = "  " });

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var fields = problem["errors"]!.AsObject().Select(e => e.Key).Order().ToArray();
        Assert.Equal(["assignee", "body", "priority", "title"], fields);
    }

    [Theory]
    [InlineData("{\"title\": ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"title\": 42}")]
    [InlineData("{\"title\": \"ok\", \"tenantId\": \"5e0e4c4e-0000-0000-0000-000000000000\"}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task Malformed_or_unexpected_json_is_400_and_nothing_is_created(string json)
    {
        var tenant = Guid.NewGuid();
        using var client = factory.CreateClientAs(tenant, "alice", "member");

        var response = await client.PostAsync("/api/requests", new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var list = await client.GetFromJsonAsync<JsonObject>("/api/requests");
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_non_json_content_type_is_415()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "member");

        var response = await client.PostAsync("/api/requests", new StringContent("title=hello", Encoding.UTF8, "text/plain"));

        await AssertEnvelopeAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Patch_applies_sent_fields_clears_nullable_ones_and_bumps_the_etag()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "admin");
        var id = await CreateAsync(client, "Original", assignee: "dave");

        var response = await client.SendAsync(Patch(id, new { title = "Renamed", assignee = (string?)null }, ifMatch: "\"1\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("Renamed", (string?)body!["title"]);
        Assert.Null(body["assignee"]);
        Assert.Equal("normal", (string?)body["priority"]);
        Assert.Equal(2, (int)body["version"]!);
    }

    [Fact]
    public async Task Patch_with_a_stale_if_match_is_412_and_changes_nothing()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "admin");
        var id = await CreateAsync(client, "Original");
        (await client.SendAsync(Patch(id, new { title = "First edit" }, ifMatch: "\"1\""))).EnsureSuccessStatusCode();

        var stale = await client.SendAsync(Patch(id, new { title = "Second edit" }, ifMatch: "\"1\""));

        await AssertEnvelopeAsync(stale, HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        var stored = await client.GetFromJsonAsync<JsonObject>($"/api/requests/{id}");
        Assert.Equal("First edit", (string?)stored!["title"]);
    }

    [Fact]
    public async Task Patch_rejects_a_status_change_and_unknown_fields()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "admin");
        var id = await CreateAsync(client, "Original");

        var response = await client.SendAsync(Patch(id, new { status = "resolved" }));

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Transitions_follow_the_workflow_and_final_states_are_final()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "admin");
        var id = await CreateAsync(client, "Flow");

        await AssertEnvelopeAsync(await client.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "resolved" }), HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "in_progress" })).StatusCode);
        var resolved = await client.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "resolved" });
        Assert.Equal("resolved", (string?)(await resolved.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        await AssertEnvelopeAsync(await client.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "cancelled" }), HttpStatusCode.Conflict, "CONFLICT");
        await AssertEnvelopeAsync(await client.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "archived" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_member_can_read_and_create_but_not_update_or_transition()
    {
        using var member = factory.CreateClientAs(_tenantA, "mallory", "member");
        var id = await CreateAsync(member, "Member's own");

        await AssertEnvelopeAsync(await member.SendAsync(Patch(id, new { title = "x" })), HttpStatusCode.Forbidden, "FORBIDDEN");
        await AssertEnvelopeAsync(await member.PostAsJsonAsync($"/api/requests/{id}/transition", new { to = "cancelled" }), HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/requests/{id}")).StatusCode);
    }

    [Fact]
    public async Task No_identity_is_401_and_an_unknown_role_is_403()
    {
        using var anonymous = factory.CreateClient();
        using var stranger = factory.CreateClientAs(_tenantA, "eve", "guest");

        await AssertEnvelopeAsync(await anonymous.GetAsync("/api/requests"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await AssertEnvelopeAsync(await stranger.GetAsync("/api/requests"), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_non_uuid_id_in_the_path_is_404_and_a_wrong_method_is_405()
    {
        using var client = factory.CreateClientAs(_tenantA, "alice", "admin");

        await AssertEnvelopeAsync(await client.GetAsync("/api/requests/not-a-uuid"), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertEnvelopeAsync(await client.DeleteAsync($"/api/requests/{Guid.NewGuid()}"), HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Health_probes_answer_outside_the_kernel()
    {
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task<string> CreateAsync(HttpClient client, string title, string? assignee = null)
    {
        var response = await client.PostAsJsonAsync("/api/requests", new { title, assignee });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private static HttpRequestMessage Patch(string id, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/requests/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return request;
    }

    private static async Task<JsonObject> AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, (string?)problem["code"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["correlationId"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]));
        return problem;
    }
}
