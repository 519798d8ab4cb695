using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebHost.Demo;

/// <summary>Calls the running host over real HTTP as a given tenant and actor (dev identity headers).</summary>
internal sealed class DemoClient(HttpClient http, Guid tenant, string actor, string roles)
{
    public Guid Tenant { get; } = tenant;

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Dev-Tenant", Tenant.ToString());
        request.Headers.Add("X-Dev-Actor", actor);
        request.Headers.Add("X-Dev-Roles", roles);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await http.SendAsync(request);
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
