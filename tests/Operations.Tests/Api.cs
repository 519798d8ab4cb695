using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Operations.Tests;

/// <summary>The Requests addon's API, as the tests drive it.</summary>
internal static class Api
{
    public static async Task<string> CreateRequestAsync(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/api/requests", new { title });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    public static async Task<string> RemindAsync(HttpClient client, string requestId)
    {
        var response = await client.PostAsync($"/api/requests/{requestId}/remind", null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;
    }

    public static async Task<List<string>> ListRequestIdsAsync(HttpClient client)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonObject>(cursor is null ? "/api/requests?limit=100" : $"/api/requests?limit=100&cursor={Uri.EscapeDataString(cursor)}");
            ids.AddRange(page!["items"]!.AsArray().Select(item => (string)item!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>Asserts the kernel's error envelope with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (string?)JsonNode.Parse(body)!["code"]);
    }
}
