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
            Assert.False(string.IsNullOrWhiteSpace(body["summary"]?.GetValue<string>()), $"{metadata.Name} has no summary.");
            Assert.Equal([metadata.Addon], body["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Tenant_routes_name_the_registrys_refusals_and_operator_routes_say_only_operators_may_call()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToDictionary(o => o.Id, o => o.Body, StringComparer.Ordinal);
        var codes = document["components"]!["schemas"]!["KernelProblem"]!["properties"]!["code"]!["enum"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        Assert.Contains(KernelErrorCodes.TenantUnknown, codes);
        Assert.Contains(KernelErrorCodes.TenantSuspended, codes);

        var list = operations["requests.list"];
        Assert.Equal("permission", list["x-kernel-access"]?.GetValue<string>());
        var forbidden = list["responses"]!["403"]!["description"]!.GetValue<string>();
        Assert.Contains("TENANT_UNKNOWN", forbidden, StringComparison.Ordinal);
        Assert.Contains("TENANT_SUSPENDED", forbidden, StringComparison.Ordinal);
        Assert.Contains("TENANT_REQUIRED", forbidden, StringComparison.Ordinal);
        Assert.DoesNotContain("not a UUID", document.ToJsonString(), StringComparison.Ordinal);

        foreach (var name in (string[])["kernel.tenants.create", "kernel.tenants.list", "kernel.tenants.suspend"])
        {
            var operation = operations[name];
            Assert.Equal("platform-operator", operation["x-kernel-access"]?.GetValue<string>());
            Assert.Equal("platform-operator", operation["x-kernel-operator-role"]?.GetValue<string>());
            var operatorsOnly = operation["responses"]!["403"]!["description"]!.GetValue<string>();
            Assert.Contains("only platform operators", operatorsOnly, StringComparison.Ordinal);
            Assert.DoesNotContain("TENANT_", operatorsOnly, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_identity_providers_endpoints_are_described_with_their_bodies_credentials_and_errors()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToDictionary(o => o.Id, o => o.Body, StringComparer.Ordinal);

        var login = operations["devidentity.login"];
        Assert.Equal("#/components/schemas/LoginBody", login["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/TokenResponse", login["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/DevIdentityProblem", login["responses"]!["401"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Empty(login["security"]!.AsArray());
        Assert.True(operations["devidentity.invite"]["security"]!.AsArray().Single()!.AsObject().ContainsKey("Bearer"));
        Assert.Contains("devidentity.devtoken", operations.Keys);
        Assert.Equal("MIT", document["info"]!["license"]!["identifier"]!.GetValue<string>());
        Assert.DoesNotContain(document["servers"]!.AsArray(), s => s!["url"]!.GetValue<string>().EndsWith('/'));
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
    public async Task Every_property_has_a_type_strings_are_strings_with_the_request_limit_and_integers_are_integers()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (var (name, schema) in schemas)
        {
            foreach (var (member, property) in schema!["properties"]?.AsObject() ?? [])
            {
                if (property!["$ref"] is not null || name == "UpdateRequestBody")
                {
                    continue;
                }

                var type = property["type"];
                Assert.True(type is not null, $"{name}.{member} has no type: {property.ToJsonString()}");
                Assert.DoesNotContain("pattern", property.AsObject().Select(p => p.Key));
            }
        }

        var create = schemas["CreateRequestBody"]!;
        Assert.Equal("string", Types(create["properties"]!["title"]!).Except(["null"]).Single());
        Assert.Equal(200, create["properties"]!["title"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(16 * 1024, schemas["CreateTenantBody"]!["properties"]!["slug"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(["integer"], Types(schemas["RequestResponse"]!["properties"]!["version"]!));
        Assert.Equal(["string"], Types(schemas["TokenResponse"]!["properties"]!["accessToken"]!));
        Assert.Null(schemas["RequestResponse"]!["properties"]!["title"]!["maxLength"]);
    }

    [Fact]
    public async Task Optional_members_are_not_required_and_closed_sets_list_their_values()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        var create = schemas["CreateRequestBody"]!;
        Assert.Equal(["title"], create["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["low", "normal", "high"], Values(create["properties"]!["priority"]!));
        Assert.Null(schemas["UpdateRequestBody"]!["required"]);
        Assert.Equal(["email", "password"], schemas["LoginBody"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["open", "in_progress", "resolved", "cancelled"], Values(schemas["TransitionBody"]!["properties"]!["to"]!));
        Assert.Equal(["open", "in_progress", "resolved", "cancelled"], Values(schemas["RequestResponse"]!["properties"]!["status"]!));
        Assert.Contains("null", Types(schemas["RequestResponse"]!["properties"]!["assignee"]!));

        var list = Operations(document).Single(o => o.Id == "requests.list").Body;
        var status = list["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "status")!;
        Assert.Equal(["open", "in_progress", "resolved", "cancelled"], Values(status["schema"]!));
    }

    private static List<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray types => [.. types.Select(t => t!.GetValue<string>())],
        { } type => [type.GetValue<string>()],
        null => [],
    };

    private static List<string?> Values(JsonNode schema) => [.. schema["enum"]!.AsArray().Select(v => v?.GetValue<string>())];

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
