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
