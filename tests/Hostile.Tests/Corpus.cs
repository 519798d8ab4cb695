using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hostile.Tests;

/// <summary>
/// Builds the hostile cases for every endpoint of the host, from its endpoint data source: route values, query
/// parameters (those the handler binds, plus page size and cursor), headers and bodies (the fields of the bound body
/// type, or the identity provider's). A new route gets its cases without a change here.
/// </summary>
public sealed partial class Corpus(TenantData a, TenantData b, IServiceProviderIsService services, OperatorAttack? asOperator = null)
{
    /// <summary>The prefix of the platform operators' routes (the registry's operator API).</summary>
    public const string OperatorPrefix = "/api/platform/";

    private const string ValidRole = "hostile-role";

    /// <summary>The sample's optional addon with settings: the value an <c>{addon}</c> route value takes in every other case.</summary>
    public const string ValidAddon = "requests-reminders";

    /// <summary>The settings routes bind a bare JSON object (no type to discover fields from): these are the reminders' members.</summary>
    private const string SettingsPattern = "/api/settings/{addon}";

    private static readonly string[] SqlInjection =
    [
        "' OR '1'='1",
        "'; DROP TABLE requests.requests; --",
        "1' UNION SELECT title, body FROM requests.requests --",
        "') OR tenant_id IS NOT NULL --",
        "'; select set_config('app.tenant_id', '00000000-0000-0000-0000-000000000001', false); --",
        "\\'; waitfor delay '0:0:5' --",
        "$1",
        "%' OR 1=1 OR title LIKE '%",
    ];

    private static readonly string[] InvalidUuids =
    [
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bx",
        "{0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
        "0193a1b2c3d47e5f8a9b0c1d2e3f4a5b00",
        "-1",
        "..%2F..%2Fetc%2Fpasswd",
        new string('f', 5000),
    ];

    // The identity provider's endpoints read their bodies by hand (no body parameter to discover): these are their types.
    private static readonly Dictionary<string, Type> IdentityBodies = new(StringComparer.Ordinal)
    {
        ["/auth/signup"] = typeof(WebHost.Identity.SignupBody),
        ["/auth/invite"] = typeof(WebHost.Identity.InviteBody),
        ["/auth/login"] = typeof(WebHost.Identity.LoginBody),
        ["/auth/refresh"] = typeof(WebHost.Identity.RefreshBody),
        ["/auth/logout"] = typeof(WebHost.Identity.RefreshBody),
    };

    private static readonly string[] PageSizes = ["-1", "0", "201", "2147483648", "99999999999999999999", "1e3", "0x10", "1.5", " 5", "abc"];

    public IEnumerable<HostileCase> For(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        var pattern = endpoint.RoutePattern.RawText ?? "/";
        var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? pattern;
        var kernel = pattern.StartsWith("/api", StringComparison.Ordinal);
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var routeValues = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var queryNames = QueryNames(handler, kernel ? routeValues : null).Concat(["limit", "cursor"]).Distinct(StringComparer.Ordinal).ToList();
        var operatorRoute = pattern.StartsWith(OperatorPrefix, StringComparison.Ordinal);
        var fields = BodyFields(handler, pattern);
        var readsBody = fields.Count > 0;
        foreach (var method in methods)
        {
            var label = $"{method} {name}";
            var path = Path(pattern, _ => null);
            // Cases about the path, query or headers carry a valid body, so they reach as deep as the input lets them.
            var baseline = method is "GET" or "HEAD" || fields.Count == 0 ? null : Encoding.UTF8.GetBytes(Baseline(fields, pattern).ToJsonString());
            HostileCase Case(string kind, string? p = null, string query = "", Dictionary<string, string>? headers = null, byte[]? body = null, string? contentType = "application/json", bool reject = false) =>
                new(label, kind, method, p ?? path, query, headers ?? Identity(kernel), body ?? baseline, contentType, reject);

            // Route values: each parameter in turn, the others valid.
            foreach (var parameter in endpoint.RoutePattern.Parameters)
            {
                var isId = parameter.ParameterPolicies.Any(p => p.Content == "guid");
                foreach (var value in SqlInjection.Concat(InvalidUuids).Concat(OtherTenantsIds()).Append(Guid.NewGuid().ToString()))
                {
                    // An id that is malformed, unknown or another tenant's is a 404; a name is refused unless it is one.
                    // An operator acts on every tenant: tenant B's id names one there.
                    // None of these names an addon: an addon route value is refused whatever its shape.
                    var names = asOperator is not null && operatorRoute && value == b.TenantId.ToString();
                    var addon = parameter.Name == "addon";
                    yield return Case($"route {parameter.Name}", Path(pattern, n => n == parameter.Name ? value : null), reject: kernel && !names && (isId || addon || !NamePattern().IsMatch(value)));
                }
            }

            // Query parameters: injection, page sizes, cursors, NUL, oversized.
            foreach (var query in queryNames)
            {
                // Parameters with a closed set of values; free-text filters may legitimately match nothing.
                var validated = query is "limit" or "cursor" or "status" or "state" or "from" or "to" && QueryNames(handler, kernel ? routeValues : null).Contains(query);
                foreach (var value in SqlInjection)
                {
                    yield return Case($"query {query} sql", query: Query(query, value), reject: kernel && validated);
                }

                foreach (var value in query == "limit" ? PageSizes : ["%ZZ", "\u202e\u0000", "😀"])
                {
                    yield return Case($"query {query} malformed", query: Query(query, value), reject: kernel && validated);
                }

                yield return Case($"query {query} nul", query: Query(query, "a\0b"), reject: kernel);
                yield return Case($"query {query} oversized", query: Query(query, new string('q', 3000)), reject: kernel);
                if (query == "cursor")
                {
                    foreach (var cursor in ForgedCursors())
                    {
                        yield return Case("query cursor forged", query: Query(query, cursor), reject: kernel && validated);
                    }

                    foreach (var cursor in new[] { b.RequestCursor, b.AuditCursor })
                    {
                        yield return Case("query cursor of tenant B", query: Query(query, cursor));
                    }
                }
            }

            yield return Case("query duplicate", query: "?limit=1&limit=2&cursor=a&cursor=b", reject: false);

            // Headers: correlation ids with CR/LF and control characters, invalid tenants, garbage tokens.
            foreach (var correlation in new[] { "abc\r\nSet-Cookie: stolen=1", "abc\nX-Injected: 1", "\u0001\u0002\u0007", new string('c', 10_000), "' OR 1=1 --", "ä😀", "a b" })
            {
                var headers = Identity(kernel);
                headers["X-Correlation-Id"] = correlation;
                yield return Case("header correlation id", headers: headers);
            }

            if (kernel)
            {
                foreach (var tenant in SqlInjection.Concat(InvalidUuids.Take(6)))
                {
                    // Operators act outside every tenant: the tenant their credentials name is not resolved at all.
                    var headers = Identity(kernel);
                    headers["X-Dev-Tenant"] = tenant;
                    yield return Case("header tenant", headers: headers, reject: !(asOperator is not null && operatorRoute));
                }

                foreach (var token in new[] { "' OR 1=1 --", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "a.b.c", new string('x', 20_000) })
                {
                    yield return Case("header bearer", headers: new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" }, reject: true);
                }
            }

            if (method is "GET" or "HEAD")
            {
                continue;
            }

            // Bodies: each field in turn, the others valid.
            foreach (var field in fields)
            {
                foreach (var (kind, value, reject) in FieldValues(field))
                {
                    var body = Baseline(fields, pattern);
                    body[field] = value?.DeepClone();
                    yield return Case($"body {field} {kind}", body: Encoding.UTF8.GetBytes(body.ToJsonString()), contentType: "application/json", reject: reject);
                }
            }

            // Whole bodies that no JSON endpoint may accept.
            var first = fields.FirstOrDefault() ?? "title";
            foreach (var (kind, bytes) in MalformedBodies(first))
            {
                yield return Case($"body {kind}", body: bytes, contentType: "application/json", reject: readsBody || kernel && bytes.Length > 1024 * 1024);
            }

            var valid = baseline ?? Encoding.UTF8.GetBytes("{}");
            foreach (var type in new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded" })
            {
                yield return Case($"content type {type}", body: valid, contentType: type, reject: readsBody);
            }

            // JSON is UTF-8 whatever the charset says; the body is, so this one may pass.
            yield return Case("content type json utf-16", body: valid, contentType: "application/json; charset=utf-16");

            yield return Case("content type missing", body: valid, contentType: null, reject: readsBody);
            yield return Case("baseline", body: valid);
        }
    }

    private IEnumerable<string> OtherTenantsIds() => [b.RequestId.ToString(), b.JobId.ToString(), b.TenantId.ToString(), b.UserId.ToString()];

    private IEnumerable<string> ForgedCursors()
    {
        static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return
        [
            "not-a-cursor",
            B64("' OR 1=1 --"),
            B64($"99999999999999999999:{Guid.NewGuid():N}"),
            B64($"-1:{Guid.NewGuid():N}"),
            B64("a:-1"),
            B64("a:99999999999999999999999"),
            B64($"{DateTimeOffset.MaxValue.UtcTicks + 1}:{b.RequestId:N}"),
            new string('A', 500),
            "====",
        ];
    }

    // Fields with a closed set or a format: anything else is refused. (A string where a list belongs, too.)
    private static bool Closed(string field) => field is "priority" or "to" or "email" or "role" or "tenantId" or "dueAt" or "permissions" or "slug" or "externalIds" or "plan" or "maxPerRequest";

    private IEnumerable<(string Kind, JsonNode? Value, bool Reject)> FieldValues(string field)
    {
        foreach (var sql in SqlInjection)
        {
            yield return ("sql", JsonValue.Create(sql), Closed(field));
        }

        foreach (var id in OtherTenantsIds())
        {
            // Another tenant's id in a tenantId field is a login to a tenant the user is not a member of: 401.
            yield return ("id of tenant B", JsonValue.Create(id), Closed(field));
        }

        yield return ("oversized", JsonValue.Create(new string('s', 20_000)), true);
        yield return ("nul", JsonValue.Create("a\0b"), true);
        yield return ("control characters", JsonValue.Create("\u0001\u001b[31m\r\n"), Closed(field));
        yield return ("number", JsonValue.Create(1e308), true);
        yield return ("object", new JsonObject { ["$ne"] = null }, true);
        yield return ("array", new JsonArray(1, 2), true);
        yield return ("bool", JsonValue.Create(true), true);
        if (field is "externalIds" or "permissions")
        {
            // Lists: hostile elements. Free text inside a list of ids is data; what breaks its rules is refused.
            foreach (var sql in SqlInjection)
            {
                yield return ("element sql", new JsonArray(sql), field is "permissions");
            }

            yield return ("element id of tenant B", new JsonArray(b.TenantId.ToString()), field is "permissions");
            yield return ("element oversized", new JsonArray(new string('s', 20_000)), true);
            yield return ("element nul", new JsonArray("a\0b"), true);
            yield return ("element padded", new JsonArray(" org "), true);
            yield return ("element empty", new JsonArray(""), true);
            yield return ("element repeated", new JsonArray("org_x", "org_x"), true);
            yield return ("element number", new JsonArray(1), true);
            yield return ("element object", new JsonArray(new JsonObject { ["$ne"] = null }), true);
            yield return ("too many elements", new JsonArray([.. Enumerable.Range(0, 1000).Select(i => (JsonNode?)JsonValue.Create($"org_{i}"))]), true);
        }

        if (field is "dueAt")
        {
            foreach (var date in new[] { "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2024-02-30T00:00:00Z", "-infinity", "294277-01-01T00:00:00Z" })
            {
                yield return ("date", JsonValue.Create(date), date is not "9999-12-31T23:59:59-14:00");
            }
        }
    }

    private static IEnumerable<(string Kind, byte[] Bytes)> MalformedBodies(string field)
    {
        yield return ("oversized", Encoding.UTF8.GetBytes($"{{\"{field}\":\"{new string('o', 2 * 1024 * 1024)}\"}}"));
        yield return ("deeply nested", Encoding.UTF8.GetBytes($"{{\"{field}\":{new string('[', 10_000)}{new string(']', 10_000)}}}"));
        yield return ("nested objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{{\"{field}\":", 100)) + "1" + new string('}', 100)));
        yield return ("invalid utf-8", [.. Encoding.UTF8.GetBytes($"{{\"{field}\":\"a"), 0xC3, 0x28, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")]);
        yield return ("lone surrogate", Encoding.UTF8.GetBytes($"{{\"{field}\":\"\\ud800\"}}"));
        yield return ("duplicate keys", Encoding.UTF8.GetBytes($"{{\"{field}\":\"a\",\"{field}\":\"b\"}}"));
        yield return ("truncated", Encoding.UTF8.GetBytes($"{{\"{field}\":"));
        yield return ("not an object", Encoding.UTF8.GetBytes("[1,2,3]"));
        yield return ("null", Encoding.UTF8.GetBytes("null"));
        yield return ("comments", Encoding.UTF8.GetBytes($"{{/* x */\"{field}\":\"a\"}}"));
        yield return ("trailing comma", Encoding.UTF8.GetBytes($"{{\"{field}\":\"a\",}}"));
        yield return ("empty", []);
    }

    private JsonObject Baseline(IEnumerable<string> fields, string pattern)
    {
        var body = new JsonObject();
        foreach (var field in fields)
        {
            body[field] = field switch
            {
                "title" => "Hostile suite",
                "body" => "text",
                "priority" => "normal",
                "assignee" => "someone",
                "dueAt" => "2030-01-01T00:00:00Z",
                "to" => "in_progress",
                "permissions" => new JsonArray("requests.read"),
                "email" => pattern == "/auth/login" ? a.Email : $"hostile-{Guid.NewGuid():N}@example.test",
                "password" => Canary.Password,
                "tenantName" => "Hostile",
                "tenantId" => a.TenantId.ToString(),
                "role" => "member",
                "refreshToken" => "not-a-refresh-token",
                "slug" => $"h-{Guid.NewGuid():N}", // A tenant per accepted case: a repeated slug would be a 409, hiding the field under test.
                "name" => "Hostile tenant",
                "externalIds" => new JsonArray($"org_{Guid.NewGuid():N}"),
                "reason" => "hostile suite",
                "plan" => "pro",
                "maxPerRequest" => 4,
                _ => "x",
            };
        }

        return body;
    }

    private Dictionary<string, string> Identity(bool kernel) => (kernel, asOperator) switch
    {
        (true, { } attack) => new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = OperatorAttack.Role },
        (true, null) => new() { ["X-Dev-Tenant"] = a.TenantId.ToString(), ["X-Dev-Actor"] = a.UserId.ToString(), ["X-Dev-Roles"] = "admin" },
        _ => new() { ["Authorization"] = $"Bearer {a.AccessToken}" },
    };

    private string Path(string pattern, Func<string, string?> value) => ParameterPattern().Replace(pattern, m =>
    {
        var name = m.Groups[1].Value;
        return value(name) ?? (name == "role" ? ValidRole
            : name == "addon" ? ValidAddon
            : pattern.Contains("/jobs/", StringComparison.Ordinal) ? a.JobId.ToString()
            : pattern.StartsWith(OperatorPrefix, StringComparison.Ordinal) && asOperator is { } attack ? attack.TargetTenant.ToString()
            : a.RequestId.ToString());
    });

    private static string Query(string name, string value) => $"?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";

    /// <summary>
    /// The handler's query parameters: those marked <c>[FromQuery]</c>, and, given the route's values, those minimal
    /// APIs bind from the query by inference (a simple type, no binding attribute, not a route value). Inference is
    /// for kernel routes only: the framework's own handlers (the OpenAPI document's <c>documentName</c>) answer their
    /// own plain-text 404s, outside the kernel's envelope.
    /// </summary>
    private static IEnumerable<string> QueryNames(MethodInfo? handler, IReadOnlySet<string>? routeValues) =>
        handler?.GetParameters()
            .Where(p => p.GetCustomAttributes().OfType<IFromQueryMetadata>().Any()
                || (routeValues is not null && IsSimple(p.ParameterType) && !routeValues.Contains(p.Name!)
                    && !p.GetCustomAttributes().Any(a => a.GetType().Name.StartsWith("From", StringComparison.Ordinal))))
            .Select(p => p.GetCustomAttributes().OfType<IFromQueryMetadata>().FirstOrDefault()?.Name ?? p.Name!) ?? [];

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeSpan);
    }

    /// <summary>The JSON fields of the handler's body parameter; for the identity provider (which binds by hand), its fields.</summary>
    private List<string> BodyFields(MethodInfo? handler, string pattern)
    {
        if (IdentityBodies.TryGetValue(pattern, out var identityBody))
        {
            return Fields(identityBody);
        }

        if (pattern == SettingsPattern)
        {
            return ["maxPerRequest"];
        }

        var body = handler?.GetParameters().FirstOrDefault(p =>
            p.ParameterType is { IsClass: true } type && type != typeof(string) && type != typeof(HttpContext)
            && type.Namespace?.StartsWith("System", StringComparison.Ordinal) == false
            && type.Namespace?.StartsWith("Microsoft", StringComparison.Ordinal) == false
            && !services.IsService(type));
        return body is null ? [] : Fields(body.ParameterType);
    }

    private static List<string> Fields(Type type) => type.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex ParameterPattern();
}

/// <summary>The corpus fired by a platform operator: its actor id, and the registered tenant the operator routes act on.</summary>
public sealed record OperatorAttack(string ActorId, Guid TargetTenant)
{
    public const string Role = "platform-operator";
}
