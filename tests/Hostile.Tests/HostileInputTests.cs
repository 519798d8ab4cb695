using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Hostile.Tests;

/// <summary>
/// Tenant B holds canary data; tenant A fires the corpus at every endpoint the host maps (enumerated from its endpoint
/// data source). Every answer is below 500, every 4xx is the error envelope, every case invalid by construction is a
/// 4xx, the host keeps serving, and tenant B's canary appears in no response and no log line.
/// </summary>
public sealed partial class HostileInputTests(HostileFactory factory, ITestOutputHelper output) : IClassFixture<HostileFactory>
{
    [Fact]
    public async Task Every_route_answers_the_hostile_corpus_with_a_4xx_envelope_or_a_clean_success_and_never_leaks_tenant_b()
    {
        using var http = factory.CreateClient();
        var a = await Canary.SeedAsync(http, "tenant-a");
        var b = await Canary.SeedAsync(http, Canary.Marker);
        factory.Logs.Clear();
        var corpus = new Corpus(a, b, factory.Services.GetRequiredService<IServiceProviderIsService>());
        var endpoints = Endpoints();

        var failures = new List<string>();
        var total = 0;
        var rejected = 0;
        foreach (var endpoint in endpoints)
        {
            var operatorRoute = IsOperatorRoute(endpoint);
            var settingsRoute = IsSettingsRoute(endpoint);
            foreach (var hostile in corpus.For(endpoint))
            {
                total++;
                var registry = operatorRoute ? await RegistryAsync() : null;
                var settings = settingsRoute ? await SettingsAsync(a.TenantId) : null;
                var (status, headers, body) = await SendAsync(hostile);
                rejected += status is >= 400 and < 500 ? 1 : 0;
                Check(failures, hostile, status, headers, body, canary: true);
                if (operatorRoute)
                {
                    // Tenant A's admin is no operator: every attempt is refused, changes nothing and shows nothing of the registry.
                    if (status < 400)
                    {
                        failures.Add($"{hostile}: {status} A TENANT ADMIN REACHED AN OPERATOR ROUTE {body[..Math.Min(body.Length, 300)]}");
                    }

                    await CheckRegistryUnchangedAsync(failures, hostile, status, registry!);
                }

                if (settingsRoute && status >= 400 && await SettingsAsync(a.TenantId) is var after && after != settings)
                {
                    failures.Add($"{hostile}: {status} WROTE TENANT A'S SETTINGS ALTHOUGH REFUSED ({settings} -> {after})");
                }
            }

            await AssertStillServesAsync(http, a, endpoint.DisplayName);
        }

        var leakedLines = factory.Logs.Entries.Select(e => e.ToString()).Where(Leaks).ToList();
        output.WriteLine($"{total} hostile cases at {endpoints.Count} endpoints: {rejected} answered 4xx, {total - rejected} accepted as data, {failures.Count} failures; {factory.Logs.Entries.Count} log lines searched.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} cases failed:\n{string.Join('\n', failures.Take(60))}");
        Assert.True(leakedLines.Count == 0, $"Tenant B's canary is in the log:\n{string.Join('\n', leakedLines.Take(5))}");
        Assert.Equal(2, await CountCanaryRequestsAsync(b.TenantId));
    }

    [Fact]
    public async Task Every_operator_route_answers_an_operators_hostile_corpus_with_a_4xx_envelope_or_a_clean_success_and_refused_input_changes_nothing()
    {
        using var http = factory.CreateClient();
        var a = await Canary.SeedAsync(http, "tenant-a");
        var b = await Canary.SeedAsync(http, Canary.Marker);
        var target = factory.Database.RegisterTenant(Guid.NewGuid(), $"hostile-target-{Guid.NewGuid():N}"[..40]);
        var attack = new OperatorAttack($"hostile-operator-{Guid.NewGuid():N}", target);
        var corpus = new Corpus(a, b, factory.Services.GetRequiredService<IServiceProviderIsService>(), attack);
        var endpoints = Endpoints().Where(IsOperatorRoute).ToList();
        Assert.NotEmpty(endpoints);

        var failures = new List<string>();
        var (total, rejected) = (0, 0);
        foreach (var endpoint in endpoints)
        {
            foreach (var hostile in corpus.For(endpoint))
            {
                total++;
                var registry = await RegistryAsync();
                var (status, headers, body) = await SendAsync(hostile);
                rejected += status is >= 400 and < 500 ? 1 : 0;

                // Operators see every tenant's registry entry (tenant B's name carries the canary): no canary check here.
                Check(failures, hostile, status, headers, body, canary: false);
                await CheckRegistryUnchangedAsync(failures, hostile, status, registry);
            }

            await AssertStillServesAsync(http, a, endpoint.DisplayName);
        }

        output.WriteLine($"{total} hostile operator cases at {endpoints.Count} endpoints: {rejected} answered 4xx, {total - rejected} accepted as data, {failures.Count} failures.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} cases failed:\n{string.Join('\n', failures.Take(60))}");
        Assert.Equal(2, await CountCanaryRequestsAsync(b.TenantId));

        // What the operator did is on the platform's record, under the operator, and only there.
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from kernel.platform_audit where actor_id = $1 and outcome = 'success'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = attack.ActorId });
        Assert.True((long)(await command.ExecuteScalarAsync())! > 0, "No operator action of the suite is in the platform audit stream.");
    }

    [Fact]
    public void The_corpus_covers_every_route_the_host_maps()
    {
        var names = Endpoints().Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.RoutePattern.RawText).ToHashSet();

        // A sample of each area; the suite walks whatever the data source holds, so new routes join by themselves.
        Assert.Superset(
            new HashSet<string?> { "requests.create", "requests.update", "requests.reminders", "kernel.roles.update", "kernel.audit.list", "kernel.jobs.retry", "/auth/login", "/auth/invite", "kernel.tenants.create", "kernel.tenants.list", "kernel.tenants.suspend",
                "kernel.tenants.addons.enable", "kernel.tenants.addons.disable", "kernel.tenants.plan", "kernel.settings.get", "kernel.settings.update", "kernel.tenant.get", "requests.remind" },
            names);
    }

    private List<RouteEndpoint> Endpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal).ToList();

    private async Task<(int Status, string Headers, string Body)> SendAsync(HostileCase hostile)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = hostile.Method;
            c.Request.Path = hostile.Path;
            c.Request.QueryString = new QueryString(hostile.Query.Length > 0 ? hostile.Query : null);
            foreach (var (name, value) in hostile.Headers)
            {
                c.Request.Headers[name] = value;
            }

            if (hostile.Body is not null)
            {
                c.Features.Set<IHttpRequestBodyDetectionFeature>(HasBody.Instance);
                c.Request.Body = new MemoryStream(hostile.Body);
                c.Request.ContentLength = hostile.Body.Length;
                c.Request.ContentType = hostile.ContentType;
            }
        });
        var body = context.Response.Body.CanRead ? await new StreamReader(context.Response.Body, Encoding.UTF8).ReadToEndAsync() : "";
        var headers = string.Join('\n', context.Response.Headers.Select(h => $"{h.Key}: {h.Value}"));
        return (context.Response.StatusCode, headers, body);
    }

    private static bool IsOperatorRoute(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText?.StartsWith(Corpus.OperatorPrefix, StringComparison.Ordinal) == true;

    private static bool IsSettingsRoute(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText?.StartsWith("/api/settings/", StringComparison.Ordinal) == true;

    /// <summary>A tenant's own settings as one string (under its RLS, which binds the owner too): any write changes it.</summary>
    private async Task<string> SettingsAsync(Guid tenant)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var scope = new NpgsqlCommand("select set_config('app.tenant_id', $1, true)", connection, transaction))
        {
            scope.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
            await scope.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(
            "select concat_ws(':', count(*), coalesce(sum(version), 0), max(updated_at), string_agg(addon || '=' || settings::text, ',' order by addon)) from kernel.tenant_settings",
            connection,
            transaction);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The registry's state as one string: any write to a tenant, an external id or an addon switch changes it.</summary>
    private async Task<string> RegistryAsync()
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select concat_ws(':', count(*), coalesce(sum(version), 0), max(updated_at), string_agg(plan, ',' order by id), (select count(*) from kernel.tenant_external_ids), (select concat_ws('/', count(*), max(updated_at), string_agg(addon || enabled::text, ',' order by tenant, addon)) from kernel.tenant_addons)) from kernel.tenants",
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task CheckRegistryUnchangedAsync(List<string> failures, HostileCase hostile, int status, string before)
    {
        if (status >= 400 && await RegistryAsync() is var after && after != before)
        {
            failures.Add($"{hostile}: {status} WROTE TO THE REGISTRY ALTHOUGH REFUSED ({before} -> {after})");
        }
    }

    private static void Check(List<string> failures, HostileCase hostile, int status, string headers, string body, bool canary)
    {
        void Fail(string why) => failures.Add($"{hostile}: {status} {why} {body[..Math.Min(body.Length, 300)]}");

        if (status >= 500)
        {
            Fail("is a server error");
        }
        else if (status >= 400 && !IsEnvelope(body, headers))
        {
            Fail("is not the error envelope");
        }
        else if (hostile.MustReject && status < 400)
        {
            Fail("accepted input that is invalid by construction");
        }
        else if (hostile.Status is { } expected && status != expected)
        {
            Fail($"is not the expected {expected}");
        }
        else if (hostile.Code is { } code && CodeOf(body) != code)
        {
            Fail($"is not the expected {code}");
        }
        else if (hostile.Field is { } field && !ErrorFieldsOf(body).Contains(field))
        {
            Fail($"does not name the field '{field}'");
        }
        else if (hostile.MaxErrors is { } max && ErrorFieldsOf(body).Count > max)
        {
            Fail($"names {ErrorFieldsOf(body).Count} fields (at most {max} expected)");
        }

        if (canary && (Leaks(body) || Leaks(headers)))
        {
            Fail("LEAKS TENANT B'S CANARY");
        }

        if (CorrelationIdOf(headers) is { } echoed && !WellFormedCorrelationId().IsMatch(echoed))
        {
            Fail($"echoes a malformed correlation id '{echoed}'");
        }
    }

    private static bool IsEnvelope(string body, string headers)
    {
        if (!headers.Contains("Content-Type: application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            return JsonNode.Parse(body) is JsonObject problem && problem["code"] is JsonValue code && code.GetValue<string>().Length > 0 && problem["status"] is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string? CodeOf(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject problem && problem["code"] is JsonValue code ? code.GetValue<string>() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static List<string> ErrorFieldsOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToList() : [];
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    private static string? CorrelationIdOf(string headers) =>
        headers.Split('\n').FirstOrDefault(h => h.StartsWith("X-Correlation-Id: ", StringComparison.OrdinalIgnoreCase))?["X-Correlation-Id: ".Length..];

    private static bool Leaks(string text) => text.Contains(Canary.Marker, StringComparison.OrdinalIgnoreCase);

    private static async Task AssertStillServesAsync(HttpClient http, TenantData a, string? after)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/requests?limit=1");
        request.Headers.Add("X-Dev-Tenant", a.TenantId.ToString());
        request.Headers.Add("X-Dev-Actor", a.UserId.ToString());
        request.Headers.Add("X-Dev-Roles", "admin");
        var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"After the cases of {after} the host no longer serves: {(int)response.StatusCode}");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
    }

    /// <summary>As the owner, across tenants: tenant B's canary requests are all still there, unchanged (each test seeds its own B).</summary>
    private async Task<long> CountCanaryRequestsAsync(Guid tenantB)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from requests.requests where assignee = $1 and body = $2 and tenant_id = $3", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Canary.Marker });
        command.Parameters.Add(new NpgsqlParameter { Value = $"{Canary.Marker} body" });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantB });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Tells the framework the request has a body (the in-memory server says so only for requests it builds itself).</summary>
    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly HasBody Instance = new();

        public bool CanHaveBody => true;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WellFormedCorrelationId();
}
