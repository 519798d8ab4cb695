using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;

namespace Kernel.Tests.Limits;

/// <summary>
/// Request limits of kernel routes (<c>Kernel:Limits</c>): body size, JSON depth, string length, NUL characters,
/// duplicate keys and query values are refused in the envelope before the handler runs, and nothing is written.
/// </summary>
public sealed class RequestLimitsTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>, IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync() => _app = await TestHost.StartAsync(fixture.Database, configure: b =>
    {
        b.Configuration["Kernel:Limits:MaxRequestBodyBytes"] = "4096";
        b.Configuration["Kernel:Limits:MaxStringLength"] = "100";
        b.Configuration["Kernel:Limits:MaxJsonDepth"] = "8";
        b.Configuration["Kernel:Limits:MaxQueryValueLength"] = "50";
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_body_larger_than_the_limit_is_413_payload_too_large()
    {
        var response = await PostAsync($$"""{"name":"{{new string('x', 100)}}","padding":"{{new string('x', 5000)}}"}""");

        await AssertEnvelopeAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task A_chunked_body_larger_than_the_limit_is_413_too()
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "maker");
        var padding = string.Join(',', Enumerable.Repeat("1", 3000));
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name":"gear","padding":[{{padding}}]}""")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/widgets") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        await AssertEnvelopeAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_400()
    {
        var response = await PostAsync($$"""{"name":"gear","extra":{{new string('[', 20)}}{{new string(']', 20)}}}""");

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_string_longer_than_the_limit_is_400_naming_the_field()
    {
        var response = await PostAsync($$"""{"name":"{{new string('x', 101)}}"}""");

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("Must be at most 100 characters.", (string?)problem["errors"]!["$.name"]![0]);
    }

    [Fact]
    public async Task A_string_with_a_nul_character_is_400()
    {
        var response = await PostAsync("""{"name":"ge\u0000ar"}""");

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("Must not contain NUL characters.", (string?)problem["errors"]!["$.name"]![0]);
    }

    [Fact]
    public async Task Duplicate_json_keys_are_400()
    {
        var response = await PostAsync("""{"name":"gear","name":"cog"}""");

        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("?filter=%00")]
    [InlineData("?filter=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task A_query_value_that_is_too_long_or_has_a_nul_is_400(string query)
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice");

        var response = await client.GetAsync("/api/widgets" + query);

        var problem = await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.NotNull(problem["errors"]!["filter"]);
    }

    [Fact]
    public async Task A_body_within_every_limit_passes()
    {
        var response = await PostAsync($$"""{"name":"{{new string('x', 100)}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        using var client = _app.ClientAs(Guid.NewGuid(), "alice", "maker");
        return await client.PostAsync("/api/widgets", new StringContent(json, Encoding.UTF8, "application/json"));
    }

    private static async Task<JsonObject> AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, (string?)problem["code"]);
        return problem;
    }
}
