using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace WebHost.Tests;

/// <summary>Drives the sample's dev identity provider over HTTP, as a client application would.</summary>
internal static class IdentityClient
{
    public const string Password = "correct horse battery staple";

    public static async Task<(Guid TenantId, Guid UserId)> SignUpAsync(HttpClient http, string email, string tenantName = "Tenant")
    {
        var response = await http.PostAsJsonAsync("/auth/signup", new { email, password = Password, tenantName });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return (Guid.Parse((string)body!["tenantId"]!), Guid.Parse((string)body["userId"]!));
    }

    public static async Task<JsonObject> LoginAsync(HttpClient http, string email, Guid? tenantId = null)
    {
        var response = await http.PostAsJsonAsync("/auth/login", new { email, password = Password, tenantId });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<string> AccessTokenAsync(HttpClient http, string email, Guid? tenantId = null) =>
        (string)(await LoginAsync(http, email, tenantId))["accessToken"]!;

    public static HttpClient WithBearer(this HttpClient http, string token)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static string UniqueEmail(string name) => $"{name}-{Guid.NewGuid():N}@example.test";
}
