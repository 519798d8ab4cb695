using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebHost.Demo;

/// <summary>Calls the running host over real HTTP, with a bearer token once it has logged in.</summary>
internal sealed class DemoClient(HttpClient http, string email)
{
    public HttpClient Http { get; } = http;

    public string Email { get; } = email;

    public Guid Tenant { get; set; }

    public Guid UserId { get; set; }

    public string? AccessToken { get; set; }

    public string? RefreshToken { get; set; }

    /// <summary>Logs in through the dev identity provider and keeps the tokens.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string password, Guid? tenant = null)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/auth/login", new { email = Email, password, tenantId = tenant });
        if (response.IsSuccessStatusCode)
        {
            AccessToken = (string?)body?["accessToken"];
            RefreshToken = (string?)body?["refreshToken"];
        }

        return response;
    }

    /// <summary>Mints a token through the dev identity provider's Development-only endpoint and keeps it.</summary>
    public async Task<HttpResponseMessage> UseDevTokenAsync(string? tenant, params string[] roles)
    {
        var (response, body) = await SendAsync(HttpMethod.Post, "/auth/dev-token", new { subject = Email, tenant, roles });
        AccessToken = response.IsSuccessStatusCode ? (string?)body?["accessToken"] : null;
        return response;
    }

    /// <summary>Sends bytes (or nothing) and reads bytes: for the archive routes.</summary>
    public async Task<(HttpResponseMessage Response, byte[] Body)> SendBytesAsync(HttpMethod method, string path, byte[]? body = null, string? contentType = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (AccessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/octet-stream");
        }

        var response = await Http.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>
    /// Sends until the answer has <paramref name="status"/> (and <paramref name="code"/>, for an error) or
    /// <paramref name="timeout"/> passes: for a change other components learn of asynchronously (a registry change
    /// reaches each instance's cache through NOTIFY, delivered after commit).
    /// </summary>
    public async Task<(HttpResponseMessage Response, JsonNode? Body, TimeSpan Waited)> SendUntilAsync(
        HttpMethod method, string path, HttpStatusCode status, TimeSpan timeout, string? code = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (response, body) = await SendAsync(method, path);
            if ((response.StatusCode == status && (code is null || (string?)body?["code"] == code)) || clock.Elapsed >= timeout)
            {
                return (response, body, clock.Elapsed);
            }

            await Task.Delay(20);
        }
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? traceparent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (AccessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = JsonValue.Create(text);
            }
        }

        return (response, json);
    }
}
