using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kernel;
using Kernel.Addons;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WebHost.Tests;

/// <summary>The sample host's OpenAPI document describes every kernel route as the kernel runs it, and the reference page serves it.</summary>
public sealed partial class OpenApiTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    private const string Problem = "#/components/schemas/KernelProblem";

    [Fact]
    public async Task Every_kernel_route_is_an_operation_with_its_name_security_permission_and_error_envelope()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var routes = KernelRoutes();
        Assert.Contains(routes, r => r.Metadata.Name == "requests.create");
        Assert.Contains(routes, r => r.Metadata.Name == "kernel.audit.list");

        foreach (var (metadata, pattern) in routes)
        {
            Assert.True(operations.TryGetValue(metadata.Name, out var operation), $"No operation with operationId '{metadata.Name}'.");
            Assert.Equal(metadata.Method.ToLowerInvariant(), operation.Method);
            Assert.Equal(RouteConstraint().Replace(pattern, "{$1}").TrimEnd('/'), operation.Path);
            var body = operation.Body;

            var responses = body["responses"]!.AsObject();
            foreach (var status in ExpectedErrors(metadata.Access.Kind, pattern))
            {
                Assert.True(responses.ContainsKey(status), $"{metadata.Name} does not document {status}.");
            }

            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                Assert.True(schema == Problem, $"{metadata.Name} {status} does not use the kernel's error envelope.");
            }

            var security = body["security"]?.AsArray();
            if (metadata.Access.Kind == RouteAccessKind.Public)
            {
                Assert.True(security is null or { Count: 0 }, $"{metadata.Name} is public but requires a scheme.");
            }
            else
            {
                Assert.True(security?.Any(s => s!.AsObject().ContainsKey("Bearer")) == true, $"{metadata.Name} does not require the bearer scheme.");
            }

            Assert.Equal(metadata.Access.PermissionName, body["x-kernel-permission"]?.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_with_the_bearer_scheme_the_envelope_and_handler_schemas()
    {
        var document = await DocumentAsync();

        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        var problem = document["components"]!["schemas"]!["KernelProblem"]!;
        var codes = problem["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>());
        Assert.Contains(KernelErrorCodes.NotFound, codes);
        Assert.Contains(KernelErrorCodes.TenantRequired, codes);

        var create = Operations(document).Single(o => o.Id == "requests.create").Body;
        Assert.Contains("#/components/schemas/CreateRequestBody", create["requestBody"]!["content"]!["application/json"]!["schema"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/RequestResponse", create["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Null(document["components"]!["schemas"]!["ProblemDetails"]);
    }

    [Fact]
    public async Task The_reference_page_loads_its_script_and_points_at_the_document()
    {
        using var client = factory.CreateClient();

        var page = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);

        var script = ScriptSource().Match(html);
        Assert.True(script.Success, "The page loads no script.");
        var asset = await client.GetAsync("/scalar/" + script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.True((await asset.Content.ReadAsByteArrayAsync()).Length > 1000, "The reference script is empty.");
    }

    private static IEnumerable<string> ExpectedErrors(RouteAccessKind access, string pattern)
    {
        yield return "500";
        yield return "503";
        if (access != RouteAccessKind.Public)
        {
            yield return "401";
            yield return "403";
        }

        if (pattern.Contains('{', StringComparison.Ordinal))
        {
            yield return "404";
        }
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private List<(KernelRouteMetadata Metadata, string Pattern)> KernelRoutes() =>
        [.. factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (Metadata: e.Metadata.GetMetadata<KernelRouteMetadata>(), Pattern: e.RoutePattern.RawText ?? ""))
            .Where(e => e.Metadata is not null)
            .Select(e => (e.Metadata!, e.Pattern))];

    private static IEnumerable<(string Id, string Method, string Path, JsonObject Body)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Value?["operationId"] is not null
        select (operation.Value!["operationId"]!.GetValue<string>(), operation.Key, path.Key, operation.Value!.AsObject());

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("<script src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
