using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Hostile.Tests;

/// <summary>One tenant of the suite, signed up through the dev identity provider, with requests, a finished reminder job, audit entries and cursors.</summary>
public sealed record TenantData(Guid TenantId, Guid UserId, string Email, string AccessToken, Guid RequestId, Guid JobId, string RequestCursor, string AuditCursor);

/// <summary>
/// Seeds tenant A (the attacker) and tenant B (the victim), whose every text field carries <see cref="Marker"/>: if
/// those bytes ever appear in a response to A or in a log line, B's data leaked.
/// </summary>
public static class Canary
{
    public const string Password = "correct horse battery staple";

    public static string Marker { get; } = $"kcanary{Guid.NewGuid():N}";

    public static async Task<TenantData> SeedAsync(HttpClient http, string text)
    {
        var email = $"{text}-{Guid.NewGuid():N}@example.test".ToLowerInvariant();
        var signup = await ReadAsync(await http.PostAsJsonAsync("/auth/signup", new { email, password = Password, tenantName = $"{text} tenant" }));
        var tenant = Guid.Parse((string)signup["tenantId"]!);
        var user = Guid.Parse((string)signup["userId"]!);
        var token = (string)(await ReadAsync(await http.PostAsJsonAsync("/auth/login", new { email, password = Password })))["accessToken"]!;
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var created = await SendAsync(http, tenant, user, HttpMethod.Post, "/api/requests", new { title = $"{text} title {i}", body = $"{text} body", assignee = text });
            ids.Add(Guid.Parse((string)created["id"]!));
        }

        var job = Guid.Parse((string)(await SendAsync(http, tenant, user, HttpMethod.Post, $"/api/requests/{ids[0]}/remind"))["jobId"]!);
        for (var i = 0; i < 300 && (string?)(await SendAsync(http, tenant, user, HttpMethod.Get, $"/api/jobs/{job}"))["state"] != "succeeded"; i++)
        {
            await Task.Delay(100); // The reminder job runs in B's context; its log lines come before the capture starts.
        }

        await SendAsync(http, tenant, user, HttpMethod.Put, "/api/roles/auditor/permissions", new { permissions = new[] { "requests.read" } });
        var requestCursor = (string)(await SendAsync(http, tenant, user, HttpMethod.Get, "/api/requests?limit=1"))["nextCursor"]!;
        var auditCursor = (string)(await SendAsync(http, tenant, user, HttpMethod.Get, "/api/audit?limit=1"))["nextCursor"]!;
        return new TenantData(tenant, user, email, token, ids[1], job, requestCursor, auditCursor);
    }

    private static async Task<JsonObject> SendAsync(HttpClient http, Guid tenant, Guid user, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Dev-Tenant", tenant.ToString());
        request.Headers.Add("X-Dev-Actor", user.ToString());
        request.Headers.Add("X-Dev-Roles", "admin");
        return await ReadAsync(await http.SendAsync(request));
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Seeding failed: {(int)response.StatusCode} {response.RequestMessage?.RequestUri} {text}");
        return JsonNode.Parse(text) as JsonObject ?? [];
    }
}
