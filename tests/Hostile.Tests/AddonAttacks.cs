using System.Text;

namespace Hostile.Tests;

/// <summary>
/// Targeted cases for the per-tenant addon, settings and plan routes, beyond what <see cref="Corpus"/> derives from the
/// endpoint data source: addon names that are no addon (huge, path traversal, look-alike unicode, SQL, other case),
/// settings bodies that are huge, deeply nested, full of unknown or plan-only members or of the wrong JSON type, an
/// optional addon that is off for the caller's tenant (but on for tenant B), bogus plans, and callers that are no
/// operator. Each case names the one status (and code) that is the right answer.
/// </summary>
/// <param name="a">Tenant A, on the <c>pro</c> plan (the reminders on): its admin attacks the settings routes.</param>
/// <param name="free">A tenant on the <c>free</c> plan (the reminders off for it, on for tenant B): its admin asks for them anyway.</param>
/// <param name="b">Tenant B, whose request ids the free tenant's admin names.</param>
/// <param name="attack">The operator, and the registered tenant the operator routes act on.</param>
public sealed class AddonAttacks(TenantData a, Guid free, TenantData b, OperatorAttack attack)
{
    /// <summary>At most this many members are named in a refusal (the contract's bound).</summary>
    public const int MaxListed = 20;

    private const string Settings = "/api/settings/";
    private const string Addon = Corpus.ValidAddon;
    private const string Json = "application/json";

    /// <summary>
    /// Names that are no addon with settings (nor an optional addon): every one is a 404. Paths are URL-decoded as
    /// a server decodes them (<c>%2f</c> is a slash; a NUL no server passes on).
    /// </summary>
    public IEnumerable<(string Kind, string Name)> BogusNames()
    {
        yield return ("huge", new string('a', 5_000));
        yield return ("huge", new string('r', 70_000));
        yield return ("huge prefix", Addon + new string('x', 200));
        yield return ("traversal", "..");
        yield return ("traversal", "...");
        yield return ("traversal", "%2e%2e");
        yield return ("traversal", "..%2f..%2fplatform%2ftenants");
        yield return ("traversal", $"{Addon}%2f..%2f..%2fplatform");
        yield return ("traversal", "..\\..\\etc\\passwd");
        yield return ("traversal", $"{Addon}\\..");
        yield return ("traversal", $"{Addon};.");
        yield return ("unicode", "requests\u2010reminders"); // hyphen
        yield return ("unicode", "\uff52\uff45\uff51\uff55\uff45\uff53\uff54\uff53-reminders"); // fullwidth
        yield return ("unicode", Addon + "\u200b"); // zero-width space
        yield return ("unicode", "\u202e" + Addon); // right-to-left override
        yield return ("unicode", "requests-rem\u0131nders"); // dotless i
        yield return ("unicode", "requests-reminde\u0301rs"); // combining accent
        yield return ("unicode", "\ud83d\ude00");
        yield return ("case", Addon.ToUpperInvariant());
        yield return ("case", "Requests-Reminders");
        yield return ("padded", Addon + " ");
        yield return ("padded", " " + Addon);
        yield return ("escaped nul", Addon + "%2500");
        yield return ("control", Addon + "\r\nX-Injected: 1");
        yield return ("sql", "' OR '1'='1");
        yield return ("sql", $"{Addon}' --");
        yield return ("sql", $"{Addon}'; delete from kernel.tenant_settings; --");
        yield return ("sql", "x' union select settings::text from kernel.tenant_settings --");
        yield return ("wildcard", "*");
        yield return ("wildcard", "%");
        yield return ("wildcard", "_");
        yield return ("word", "null");
        yield return ("id of tenant B", b.TenantId.ToString());
    }

    /// <summary>Tenant A's admin at <c>/api/settings/{addon}</c>: bogus names, then hostile bodies and preconditions at the real one.</summary>
    public IEnumerable<HostileCase> SettingsCases()
    {
        var admin = TenantAdmin(a.TenantId, a.UserId.ToString());
        var valid = Utf8("{\"maxPerRequest\":4}");
        foreach (var (kind, name) in BogusNames())
        {
            var path = Settings + name;
            yield return new("GET kernel.settings.get", $"addon {kind}", "GET", path, "", admin, null, null, true, 404, "NOT_FOUND");
            yield return new("PUT kernel.settings.update", $"addon {kind}", "PUT", path, "", admin, valid, Json, true, 404, "NOT_FOUND");
        }

        // Addons on for every tenant, without settings: nothing to read or change.
        foreach (var name in new[] { "requests", "kernel" })
        {
            yield return new("GET kernel.settings.get", "addon without settings", "GET", Settings + name, "", admin, null, null, true, 404, "NOT_FOUND");
            yield return new("PUT kernel.settings.update", "addon without settings", "PUT", Settings + name, "", admin, valid, Json, true, 404, "NOT_FOUND");
        }
        yield return new("PUT kernel.settings.update", "no addon", "PUT", Settings, "", admin, valid, Json, true, 404);

        foreach (var (kind, body, status, field, maxErrors) in SettingsBodies())
        {
            yield return new("PUT kernel.settings.update", $"body {kind}", "PUT", Settings + Addon, "", admin, body, Json, true, status, Code(status), field, maxErrors);
        }

        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded" })
        {
            yield return new("PUT kernel.settings.update", $"content type {type}", "PUT", Settings + Addon, "", admin, valid, type, true, 415);
        }

        yield return new("PUT kernel.settings.update", "content type missing", "PUT", Settings + Addon, "", admin, valid, null, true, 415);

        foreach (var tag in new[] { "\"999999\"", "\"-1\"", "garbage", "W/\"1\"", "\"1\", \"2\"", "\"" + new string('9', 5_000) + "\"", "\"1' OR '1'='1\"" })
        {
            var headers = new Dictionary<string, string>(admin) { ["If-Match"] = tag };
            yield return new("PUT kernel.settings.update", "if-match stale or malformed", "PUT", Settings + Addon, "", headers, valid, Json, true, 412, "PRECONDITION_FAILED");
        }

        // Not an admin of the tenant: no permission to manage its settings.
        foreach (var roles in new[] { "member", "auditor", "", "Admin", "admin-", "hostile-role" })
        {
            var member = TenantAdmin(a.TenantId, a.UserId.ToString(), roles);
            yield return new("GET kernel.settings.get", $"role '{roles}'", "GET", Settings + Addon, "", member, null, null, true, 403, "FORBIDDEN");
            yield return new("PUT kernel.settings.update", $"role '{roles}'", "PUT", Settings + Addon, "", member, valid, Json, true, 403, "FORBIDDEN");
        }

        yield return new("PUT kernel.settings.update", "anonymous", "PUT", Settings + Addon, "", new Dictionary<string, string>(), valid, Json, true, 401, "UNAUTHENTICATED");
    }

    /// <summary>
    /// The free tenant's admin at the reminders, which are off for it (and on for tenant B): the settings routes and the
    /// addon's own routes answer 403 ADDON_NOT_ENABLED, whatever the body says (the addon's routes before binding it).
    /// </summary>
    public IEnumerable<HostileCase> OffForTenantCases()
    {
        var admin = TenantAdmin(free, "free-admin");
        const string NotEnabled = "ADDON_NOT_ENABLED";
        yield return new("GET kernel.settings.get", "addon off", "GET", Settings + Addon, "", admin, null, null, true, 403, NotEnabled);
        foreach (var body in new[] { "{\"maxPerRequest\":4}", "{}", "{\"dailyLimit\":100000}", "{\"unknown\":1}", "{\"maxPerRequest\":\"x\"}" })
        {
            yield return new("PUT kernel.settings.update", $"addon off {body}", "PUT", Settings + Addon, "", admin, Utf8(body), Json, true, 403, NotEnabled);
        }

        foreach (var id in new[] { b.RequestId, Guid.NewGuid() })
        {
            // Tenant B's request id: the answer is the same as for an id nobody has (no 404 that would tell them apart).
            var which = id == b.RequestId ? "request of tenant B" : "unknown request";
            yield return new("POST requests.remind", $"addon off, {which}", "POST", $"/api/requests/{id}/remind", "", admin, null, null, true, 403, NotEnabled);
            yield return new("POST requests.remind", $"addon off, {which}, garbage body", "POST", $"/api/requests/{id}/remind", "", admin, Utf8("{\"x\":" + new string('[', 5_000)), Json, true, 403, NotEnabled);
            yield return new("GET requests.reminders", $"addon off, {which}", "GET", $"/api/requests/{id}/reminders", "", admin, null, null, true, 403, NotEnabled);
        }
    }

    /// <summary>The operator at the addon and plan routes: bogus tenants, bogus addons, bogus plan bodies.</summary>
    public IEnumerable<HostileCase> OperatorCases()
    {
        var op = Operator();
        var tenant = $"{Corpus.OperatorPrefix}tenants/{attack.TargetTenant}";
        foreach (var (kind, name) in BogusNames())
        {
            foreach (var method in new[] { "PUT", "DELETE" })
            {
                yield return new($"{method} kernel.tenants.addons", $"addon {kind}", method, $"{tenant}/addons/{name}", "", op, null, null, true, 404, "NOT_FOUND");
            }
        }

        foreach (var method in new[] { "PUT", "DELETE" })
        {
            // Not optional: on for every tenant, so not the operator's to switch.
            foreach (var name in new[] { "requests", "kernel" })
            {
                yield return new($"{method} kernel.tenants.addons", "addon not optional", method, $"{tenant}/addons/{name}", "", op, null, null, true, 409, "CONFLICT");
            }

            foreach (var id in new[] { Guid.NewGuid(), Guid.Empty, a.RequestId })
            {
                yield return new($"{method} kernel.tenants.addons", "tenant unknown", method, $"{Corpus.OperatorPrefix}tenants/{id}/addons/{Addon}", "", op, null, null, true, 404, "NOT_FOUND");
            }

            foreach (var id in new[] { "not-a-uuid", "' OR '1'='1", new string('f', 5_000), "..", "%2e%2e" })
            {
                yield return new($"{method} kernel.tenants.addons", "tenant malformed", method, $"{Corpus.OperatorPrefix}tenants/{id}/addons/{Addon}", "", op, null, null, true, 404);
            }
        }

        foreach (var id in new[] { Guid.NewGuid(), Guid.Empty })
        {
            yield return new("PUT kernel.tenants.plan", "tenant unknown", "PUT", $"{Corpus.OperatorPrefix}tenants/{id}/plan", "", op, Utf8("{\"plan\":\"pro\"}"), Json, true, 404, "NOT_FOUND");
        }

        foreach (var (kind, body, status, field) in PlanBodies())
        {
            yield return new("PUT kernel.tenants.plan", $"body {kind}", "PUT", $"{tenant}/plan", "", op, body, Json, true, status, Code(status), field);
        }

        yield return new("PUT kernel.tenants.plan", "content type text/plain", "PUT", $"{tenant}/plan", "", op, Utf8("{\"plan\":\"pro\"}"), "text/plain", true, 415);
    }

    /// <summary>Callers that are no platform operator at the addon and plan routes, with valid input: 403 (401 without credentials).</summary>
    public IEnumerable<HostileCase> NotOperatorCases()
    {
        var tenant = $"{Corpus.OperatorPrefix}tenants/{attack.TargetTenant}";
        var callers = new List<(string Kind, Dictionary<string, string> Headers, int Status)>
        {
            ("tenant admin", TenantAdmin(a.TenantId, a.UserId.ToString()), 403),
            ("tenant member", TenantAdmin(a.TenantId, a.UserId.ToString(), "member"), 403),
            ("admin of the target tenant", TenantAdmin(attack.TargetTenant, "target-admin"), 403),
            ("free tenant admin", TenantAdmin(free, "free-admin"), 403),
            ("no roles", new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = "" }, 403),
            ("look-alike role", new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = "platform_operator" }, 403),
            ("look-alike role", new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = "platform-operators" }, 403),
            ("look-alike role", new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = "platform-operator\u200b" }, 403),
            ("anonymous", new(), 401),
            ("garbage bearer", new() { ["Authorization"] = "Bearer a.b.c" }, 401),
        };
        foreach (var (kind, headers, status) in callers)
        {
            var code = status == 401 ? "UNAUTHENTICATED" : "FORBIDDEN";
            yield return new("PUT kernel.tenants.addons.enable", kind, "PUT", $"{tenant}/addons/{Addon}", "", headers, null, null, true, status, code);
            yield return new("DELETE kernel.tenants.addons.disable", kind, "DELETE", $"{tenant}/addons/{Addon}", "", headers, null, null, true, status, code);
            yield return new("PUT kernel.tenants.plan", kind, "PUT", $"{tenant}/plan", "", headers, Utf8("{\"plan\":\"free\"}"), Json, true, status, code);
            yield return new("PUT kernel.tenants.plan", $"{kind}, no plan", "PUT", $"{tenant}/plan", "", headers, Utf8("{\"plan\":null}"), Json, true, status, code);
        }
    }

    private static IEnumerable<(string Kind, byte[] Body, int Status, string? Field, int? MaxErrors)> SettingsBodies()
    {
        // Over the body limit (1 MiB in the sample): refused while reading, before anything is parsed.
        yield return ("over the limit, one string", Utf8($"{{\"maxPerRequest\":4,\"pad\":\"{new string('p', 2 * 1024 * 1024)}\"}}"), 413, null, null);
        yield return ("over the limit, whitespace", Utf8("{\"maxPerRequest\":4" + new string(' ', 2 * 1024 * 1024) + "}"), 413, null, null);
        yield return ("over the limit, unknown members", Utf8(Members(120_000, i => $"\"u{i}\":{i}")), 413, null, null);

        // Deeply nested: past the reader's depth, and within it but past what a flat settings class takes.
        yield return ("deeply nested arrays", Utf8($"{{\"maxPerRequest\":{new string('[', 10_000)}{new string(']', 10_000)}}}"), 400, null, null);
        yield return ("deeply nested objects", Utf8(string.Concat(Enumerable.Repeat("{\"maxPerRequest\":", 200)) + "4" + new string('}', 200)), 400, null, null);
        yield return ("nested objects under the depth limit", Utf8("{\"maxPerRequest\":" + string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "4" + new string('}', 21)), 400, "maxPerRequest", null);
        yield return ("nested arrays under the depth limit", Utf8("{\"maxPerRequest\":" + new string('[', 25) + "4" + new string(']', 25) + "}"), 400, "maxPerRequest", null);
        yield return ("nested unknown member", Utf8("{\"deep\":" + string.Concat(Enumerable.Repeat("{\"a\":", 20)) + "4" + new string('}', 21)), 400, "deep", null);

        // Thousands of unknown members: refused, naming a bounded few.
        yield return ("thousands of unknown members", Utf8(Members(5_000, i => $"\"unknown{i}\":{i}")), 400, "unknown0", MaxListed);
        yield return ("thousands of unknown members and a valid one", Utf8(Members(5_000, i => i == 0 ? "\"maxPerRequest\":4" : $"\"unknown{i}\":{i}")), 400, "unknown1", MaxListed);
        yield return ("thousands of unknown nested members", Utf8(Members(3_000, i => $"\"n{i}\":{{\"maxPerRequest\":{i}}}")), 400, "n0", MaxListed);

        // Unknown member names that are hostile themselves.
        yield return ("huge member name", Utf8($"{{\"{new string('n', 16_000)}\":1}}"), 400, null, 1);
        yield return ("member name over the string limit", Utf8($"{{\"{new string('n', 100_000)}\":1}}"), 400, null, 1);
        yield return ("member name split surrogate", Utf8($"{{\"{new string('n', 99)}\ud83d\ude00\ud83d\ude00\":1}}"), 400, null, 1);
        yield return ("member name lone surrogate", Utf8("{\"\\ud800\":1}"), 400, null, 1);
        yield return ("member name lone low surrogate", Utf8("{\"max\\udc00PerRequest\":1}"), 400, null, 1);
        yield return ("member name nul", Utf8("{\"maxPerRequest\\u0000\":1}"), 400, null, 1);
        yield return ("member name invalid utf-8", [.. Utf8("{\"max"), 0xC3, 0x28, 0xFF, .. Utf8("\":1}")], 400, null, null);
        yield return ("member name empty", Utf8("{\"\":1}"), 400, null, 1);
        yield return ("member name sql", Utf8("{\"maxPerRequest' OR '1'='1\":1}"), 400, "maxPerRequest' OR '1'='1", 1);

        // Members in another case, or in another shape: unknown, not guessed at.
        foreach (var name in new[] { "MaxPerRequest", "maxperrequest", "max_per_request", "MAXPERREQUEST", "__proto__", "constructor", "$set", "settings", "overrides" })
        {
            yield return ($"member {name}", Utf8($"{{\"{name}\":{{\"maxPerRequest\":4}}}}"), 400, name, 1);
        }

        // Plan-only members: the plan sets them, the tenant cannot (not even back to inherit).
        yield return ("plan-only member", Utf8("{\"dailyLimit\":100000}"), 400, "dailyLimit", 1);
        yield return ("plan-only member null", Utf8("{\"dailyLimit\":null}"), 400, "dailyLimit", 1);
        yield return ("plan-only member with a valid one", Utf8("{\"maxPerRequest\":4,\"dailyLimit\":1}"), 400, "dailyLimit", 1);

        // Wrong JSON types and out-of-range values of a known member.
        foreach (var value in new[] { "\"5\"", "\"\"", "\"' OR 1=1 --\"", "5.5", "5.0", "5e0", "1e308", "-1e308", "-1", "0", "101", "2147483648", "-2147483649", "99999999999999999999999999", "true", "false", "[]", "[5]", "{}", "{\"$gt\":0}" })
        {
            yield return ($"maxPerRequest {value}", Utf8($"{{\"maxPerRequest\":{value}}}"), 400, "maxPerRequest", null);
        }

        // Strings no member may hold: refused while reading the body.
        yield return ("maxPerRequest lone surrogate", Utf8("{\"maxPerRequest\":\"\\ud800\"}"), 400, null, null);
        yield return ("maxPerRequest nul", Utf8("{\"maxPerRequest\":\"a\\u0000b\"}"), 400, null, null);
        yield return ("maxPerRequest huge string", Utf8($"{{\"maxPerRequest\":\"{new string('9', 20_000)}\"}}"), 400, null, null);

        // Not JSON, or not an object.
        foreach (var (kind, text) in new[]
        {
            ("null", "null"), ("array", "[]"), ("array of settings", "[{\"maxPerRequest\":4}]"), ("string", "\"maxPerRequest\""), ("number", "4"), ("bool", "true"),
            ("empty", ""), ("whitespace", "   "), ("truncated", "{\"maxPerRequest\":"), ("unclosed", "{"), ("trailing comma", "{\"maxPerRequest\":4,}"),
            ("comments", "/* x */{\"maxPerRequest\":4}"), ("single quotes", "{'maxPerRequest':4}"), ("unquoted member", "{maxPerRequest:4}"),
            ("NaN", "{\"maxPerRequest\":NaN}"), ("Infinity", "{\"maxPerRequest\":Infinity}"), ("hex", "{\"maxPerRequest\":0x10}"), ("leading zero", "{\"maxPerRequest\":05}"),
            ("two documents", "{\"maxPerRequest\":4}{\"maxPerRequest\":5}"), ("trailing garbage", "{\"maxPerRequest\":4} x"),
        })
        {
            yield return (kind, Utf8(text), 400, null, null);
        }

        // Duplicate members: parsers disagree on which one wins, so neither does.
        yield return ("duplicate member", Utf8("{\"maxPerRequest\":4,\"maxPerRequest\":5}"), 400, null, null);
        yield return ("duplicate member null", Utf8("{\"maxPerRequest\":4,\"maxPerRequest\":null}"), 400, null, null);
        yield return ("duplicate unknown member", Utf8("{\"x\":1,\"x\":2}"), 400, null, null);
        yield return ("duplicate plan-only member", Utf8("{\"dailyLimit\":1,\"dailyLimit\":2}"), 400, null, null);
        yield return ("duplicate member in another case", Utf8("{\"maxPerRequest\":4,\"MaxPerRequest\":5}"), 400, null, null);
        yield return ("invalid utf-8 value", [.. Utf8("{\"maxPerRequest\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}")], 400, null, null);
    }

    private static IEnumerable<(string Kind, byte[] Body, int Status, string? Field)> PlanBodies()
    {
        foreach (var plan in new[] { "enterprise", "PRO", "Pro", " pro", "pro ", "pr\\u00f6", "", "' OR '1'='1", "pro'; update kernel.tenants set plan = 'pro'; --", "*", "%", "null", new string('p', 2_000) })
        {
            yield return ($"plan '{(plan.Length > 40 ? plan[..40] + "…" : plan)}'", Utf8($"{{\"plan\":\"{plan}\"}}"), 400, "plan");
        }

        // Strings no field may hold: refused while reading the body.
        foreach (var plan in new[] { "pro\\u0000", "\\ud800", new string('p', 20_000) })
        {
            yield return ($"plan '{(plan.Length > 40 ? plan[..40] + "…" : plan)}'", Utf8($"{{\"plan\":\"{plan}\"}}"), 400, null);
        }

        foreach (var value in new[] { "5", "true", "[]", "[\"pro\"]", "{}", "{\"name\":\"pro\"}" })
        {
            yield return ($"plan {value}", Utf8($"{{\"plan\":{value}}}"), 400, null);
        }

        yield return ("plan missing", Utf8("{}"), 400, null);
        yield return ("unknown member", Utf8("{\"plan\":\"pro\",\"addons\":[\"requests-reminders\"]}"), 400, null);
        yield return ("thousands of unknown members", Utf8(Members(5_000, i => i == 0 ? "\"plan\":\"pro\"" : $"\"u{i}\":{i}")), 400, null);
        yield return ("duplicate member", Utf8("{\"plan\":\"free\",\"plan\":\"pro\"}"), 400, null);
        yield return ("deeply nested", Utf8($"{{\"plan\":{new string('[', 10_000)}{new string(']', 10_000)}}}"), 400, null);
        yield return ("over the limit", Utf8($"{{\"plan\":\"pro\",\"pad\":\"{new string('p', 2 * 1024 * 1024)}\"}}"), 413, null);
        foreach (var (kind, text) in new[] { ("null", "null"), ("array", "[\"pro\"]"), ("string", "\"pro\""), ("empty", ""), ("truncated", "{\"plan\":"), ("comments", "/**/{\"plan\":\"pro\"}") })
        {
            yield return (kind, Utf8(text), 400, null);
        }

        yield return ("invalid utf-8", [.. Utf8("{\"plan\":\"pr"), 0xC3, 0x28, 0xFF, .. Utf8("\"}")], 400, null);
    }

    private static string? Code(int status) => status switch
    {
        400 => "VALIDATION_FAILED",
        404 => "NOT_FOUND",
        412 => "PRECONDITION_FAILED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        _ => null,
    };

    private static string Members(int count, Func<int, string> member) => "{" + string.Join(',', Enumerable.Range(0, count).Select(member)) + "}";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Dictionary<string, string> TenantAdmin(Guid tenant, string actor, string roles = "admin") =>
        new() { ["X-Dev-Tenant"] = tenant.ToString(), ["X-Dev-Actor"] = actor, ["X-Dev-Roles"] = roles };

    private Dictionary<string, string> Operator() => new() { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = OperatorAttack.Role };
}
