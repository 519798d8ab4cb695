using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tenancy.Tests;

/// <summary>Assertions on the kernel's answers: the expected status with its JSON body, or the error envelope.</summary>
internal static class Http
{
    /// <summary>Asserts <paramref name="status"/> and returns the JSON body.</summary>
    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidOperationException($"Not a JSON object: {body}");
    }

    /// <summary>Asserts the error envelope with <paramref name="status"/> and <paramref name="code"/> and returns it.</summary>
    public static async Task<JsonObject> AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(code, (string?)problem["code"]);
        return problem;
    }

    /// <summary>Creates a request through the Requests addon and returns its id.</summary>
    public static async Task<Guid> CreateRequestAsync(HttpClient client, string title)
    {
        var created = await ReadAsync(await client.PostAsJsonAsync("/api/requests", new { title }), HttpStatusCode.Created);
        return Guid.Parse((string)created["id"]!);
    }
}
