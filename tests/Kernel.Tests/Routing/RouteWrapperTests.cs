using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;

namespace Kernel.Tests.Routing;

public sealed class RouteWrapperTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>, IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(fixture.Database);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unhandled_exception_is_a_500_envelope_without_internals_and_rolls_back()
    {
        var tenant = Guid.NewGuid();
        using var client = _app.ClientAs(tenant, "alice");

        var response = await client.PostAsync("/api/widgets/explode", null);

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        Assert.DoesNotContain("hunter2", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task An_error_result_rolls_back_and_still_gets_the_envelope()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice");

        var response = await client.PostAsync("/api/widgets/reject", null);

        await AssertEnvelopeAsync(response, HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task A_successful_route_commits()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "maker");

        var response = await client.PostAsJsonAsync("/api/widgets", new { name = "gear" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, await CountAsync(client));
    }

    [Fact]
    public async Task No_identity_on_a_non_public_route_is_401_with_www_authenticate()
    {
        using var client = _app.ClientAs(null, null);

        var response = await client.GetAsync("/api/widgets");

        await AssertEnvelopeAsync(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task An_actor_without_a_tenant_is_403_tenant_required()
    {
        using var client = _app.ClientAs(null, "alice");

        var response = await client.GetAsync("/api/widgets");

        await AssertEnvelopeAsync(response, HttpStatusCode.Forbidden, "TENANT_REQUIRED");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("'; drop table widgets.widgets; --")]
    [InlineData("5f0c4b1e-8a55-4b8e-9a43-0d6a4c2b7e91")]
    public async Task A_tenant_the_registry_does_not_know_is_403_tenant_unknown(string tenant)
    {
        using var client = _app.ClientAs(null, "alice", "maker");
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant);

        var response = await client.GetAsync("/api/widgets");

        await AssertEnvelopeAsync(response, HttpStatusCode.Forbidden, "TENANT_UNKNOWN");
    }

    [Fact]
    public async Task A_permission_the_roles_do_not_grant_is_403_forbidden_and_nothing_is_written()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "viewer");

        var response = await client.PostAsJsonAsync("/api/widgets", new { name = "gear" });

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Contains("widgets.write", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task Malformed_json_is_400_validation_failed()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "maker");

        var response = await client.PostAsync("/api/widgets", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.NotNull(problem["errors"]);
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "maker");

        var response = await client.PostAsync("/api/widgets", new StringContent("name=gear", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertEnvelopeAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task An_unknown_route_under_the_api_prefix_is_a_404_envelope()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice");

        var response = await client.GetAsync("/api/no/such/route");

        await AssertEnvelopeAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_envelope()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice");

        var response = await client.DeleteAsync("/api/widgets");

        await AssertEnvelopeAsync(response, HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task A_public_route_runs_anonymously_with_a_context()
    {
        using var client = _app.ClientAs(null, null);

        var body = await client.GetFromJsonAsync<JsonObject>("/api/ping");

        Assert.Null(body!["tenant"]);
        Assert.Null(body["actor"]);
        Assert.False(string.IsNullOrEmpty((string?)body["correlation"]));
    }

    [Fact]
    public async Task A_well_formed_correlation_id_is_kept_and_echoed()
    {
        using var client = _app.ClientAs(null, null);
        client.DefaultRequestHeaders.Add("X-Correlation-Id", "order-42.retry_1");

        var response = await client.GetAsync("/api/ping");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("order-42.retry_1", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("order-42.retry_1", (string?)body!["correlation"]);
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("<script>")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65 characters
    public async Task A_malformed_correlation_id_is_replaced(string incoming)
    {
        using var client = _app.ClientAs(null, null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Correlation-Id", incoming);

        var response = await client.GetAsync("/api/ping");

        var echoed = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.NotEqual(incoming, echoed);
        Assert.Matches("^[a-f0-9]{32}$", echoed);
    }

    [Fact]
    public async Task Errors_carry_the_correlation_id_and_a_trace_id()
    {
        using var client = _app.ClientAs(null, null);
        client.DefaultRequestHeaders.Add("X-Correlation-Id", "abc-123");

        var response = await client.GetAsync("/api/widgets");
        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

        Assert.Equal("abc-123", (string?)problem["correlationId"]);
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]));
        Assert.Equal("abc-123", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    private static async Task<int> CountAsync(HttpClient client)
    {
        var body = await client.GetFromJsonAsync<JsonObject>("/api/widgets");
        return (int)body!["count"]!;
    }

    internal static async Task<JsonObject> AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, (string?)problem["code"]);
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["traceId"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["correlationId"]));
        return problem;
    }
}
