using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Hostile.Tests;

/// <summary>
/// The per-tenant addon, settings and plan routes under <see cref="AddonAttacks"/>: each targeted case gets the one
/// right 4xx envelope, writes nothing (no settings, no addon switch, no plan, no registry change), leaks nothing of
/// tenant B, and the host keeps serving.
/// </summary>
public sealed partial class HostileInputTests
{
    [Fact]
    public async Task The_addon_settings_and_plan_routes_answer_targeted_attacks_with_the_right_4xx_and_write_nothing()
    {
        using var http = factory.CreateClient();
        var a = await Canary.SeedAsync(http, "tenant-a");
        var b = await Canary.SeedAsync(http, Canary.Marker);
        var free = factory.Database.SetPlan(Guid.NewGuid(), "free");
        var target = factory.Database.RegisterTenant(Guid.NewGuid(), $"hostile-addons-{Guid.NewGuid():N}"[..40]);
        var attack = new OperatorAttack($"hostile-operator-{Guid.NewGuid():N}", target);
        var attacks = new AddonAttacks(a, free, b, attack);
        factory.Logs.Clear();

        var groups = new (string Name, IEnumerable<HostileCase> Cases, bool Canary)[]
        {
            ("settings routes, tenant A's admin", attacks.SettingsCases(), true),
            ("an addon off for the tenant", attacks.OffForTenantCases(), true),
            ("addon and plan routes, an operator", attacks.OperatorCases(), false),
            ("addon and plan routes, no operator", attacks.NotOperatorCases(), true),
        };
        var failures = new List<string>();
        var total = 0;
        foreach (var (group, cases, canary) in groups)
        {
            foreach (var hostile in cases)
            {
                total++;
                var before = await WritesAsync(a.TenantId, b.TenantId, free, target);
                var (status, headers, body) = await SendAsync(hostile);
                Check(failures, hostile, status, headers, body, canary);
                if (await WritesAsync(a.TenantId, b.TenantId, free, target) is var after && after != before)
                {
                    failures.Add($"{hostile}: {status} WROTE ALTHOUGH REFUSED ({before} -> {after})");
                }
            }

            await AssertStillServesAsync(http, a, group);
        }

        var leakedLines = factory.Logs.Entries.Select(e => e.ToString()).Where(Leaks).ToList();
        output.WriteLine($"{total} targeted addon, settings and plan cases: {failures.Count} failures.");

        Assert.True(failures.Count == 0, $"{failures.Count} of {total} cases failed:\n{string.Join('\n', failures.Take(60))}");
        Assert.True(leakedLines.Count == 0, $"Tenant B's canary is in the log:\n{string.Join('\n', leakedLines.Take(5))}");
        Assert.Equal(2, await CountCanaryRequestsAsync(b.TenantId));

        // Nothing at all for the tenants only the refused cases named.
        Assert.Equal(0L, await TenantSettingsRowsAsync(free));
        Assert.Equal(0L, await TenantSettingsRowsAsync(target));
        Assert.Equal(0L, await TenantAddonRowsAsync(free, target));

        // The same routes do work for the right caller with the right input: the refusals above were not misrouting.
        await AssertAcceptedAsync(http, HttpMethod.Put, $"/api/settings/{Corpus.ValidAddon}", Admin(a), new { maxPerRequest = 4 }, body => (int?)body["settings"]?["maxPerRequest"] == 4);
        Assert.Equal(1L, await TenantSettingsRowsAsync(a.TenantId));
        var op = new Dictionary<string, string> { ["X-Dev-Actor"] = attack.ActorId, ["X-Dev-Roles"] = OperatorAttack.Role };
        await AssertAcceptedAsync(http, HttpMethod.Put, $"{Corpus.OperatorPrefix}tenants/{target}/plan", op, new { plan = "free" }, body => (string?)body["plan"] == "free");
        await AssertAcceptedAsync(http, HttpMethod.Put, $"{Corpus.OperatorPrefix}tenants/{target}/addons/{Corpus.ValidAddon}", op, null, body => body["addons"]!.AsArray().Any(n => (string?)n == Corpus.ValidAddon));
        Assert.Equal(1L, await TenantAddonRowsAsync(free, target));
    }

    private static Dictionary<string, string> Admin(TenantData tenant) =>
        new() { ["X-Dev-Tenant"] = tenant.TenantId.ToString(), ["X-Dev-Actor"] = tenant.UserId.ToString(), ["X-Dev-Roles"] = "admin" };

    private static async Task AssertAcceptedAsync(HttpClient http, HttpMethod method, string path, Dictionary<string, string> headers, object? body, Func<JsonObject, bool> check)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.True(JsonNode.Parse(text) is JsonObject answer && check(answer), $"{method} {path}: {text}");
    }

    /// <summary>Everything the addon, settings and plan routes could write, as one string: the registry, and each tenant's settings.</summary>
    private async Task<string> WritesAsync(params Guid[] tenants)
    {
        var state = new List<string> { await RegistryAsync() };
        foreach (var tenant in tenants)
        {
            state.Add(await SettingsAsync(tenant));
        }

        return string.Join(" | ", state);
    }

    private async Task<long> TenantSettingsRowsAsync(Guid tenant) => long.Parse((await SettingsAsync(tenant)).Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<long> TenantAddonRowsAsync(params Guid[] tenants)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from kernel.tenant_addons where tenant = any($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenants });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
