using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace WebHost.Tests;

/// <summary>Audit entries: written with the change, absent when it rolls back, and readable with filters and pages.</summary>
public sealed class AuditTests(AuditProbeFactory factory) : IClassFixture<AuditProbeFactory>
{
    private readonly Guid _tenant = Guid.NewGuid();

    [Fact]
    public async Task A_committed_change_has_its_entry_with_actor_target_and_ids()
    {
        using var alice = factory.CreateClientAs(_tenant, "alice", "admin");
        alice.DefaultRequestHeaders.Add("X-Correlation-Id", "corr-123");

        var response = await alice.PostAsync("/api/probe/ok_role/ok", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(alice, "action=probe.write"));
        Assert.Equal("alice", (string?)entry["actorId"]);
        Assert.Equal("role", (string?)entry["targetType"]);
        Assert.Equal("ok_role", (string?)entry["targetId"]);
        Assert.Equal("success", (string?)entry["outcome"]);
        Assert.Equal("corr-123", (string?)entry["correlationId"]);
        Assert.Equal(32, ((string?)entry["traceId"])?.Length);
    }

    [Fact]
    public async Task A_rolled_back_change_leaves_neither_its_row_nor_an_entry()
    {
        using var alice = factory.CreateClientAs(_tenant, "alice", "admin");

        var response = await alice.PostAsync("/api/probe/failed_role/fail", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Empty(await EntriesAsync(alice, "action=probe.write_then_fail"));
        Assert.Equal(0L, await OwnerScalarAsync("select count(*) from kernel.role_grants where role = 'failed_role'"));
        Assert.Equal(0L, await OwnerScalarAsync("select count(*) from kernel.audit_log where action = 'probe.write_then_fail'"));
    }

    [Fact]
    public async Task Reads_are_not_audited_but_denials_are()
    {
        using var admin = factory.CreateClientAs(_tenant, "admin-1", "admin");
        using var member = factory.CreateClientAs(_tenant, "member-1", "member");

        await admin.GetAsync("/api/requests");
        var denied = await member.GetAsync("/api/audit");

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Empty(await EntriesAsync(admin, "actor=admin-1&action=requests.list"));
        var entry = Assert.Single(await EntriesAsync(admin, "actor=member-1"));
        Assert.Equal("kernel.audit.list", (string?)entry["action"]);
        Assert.Equal("denied", (string?)entry["outcome"]);
    }

    [Fact]
    public async Task Entries_filter_by_actor_action_target_and_time_and_page_by_keyset()
    {
        var tenant = Guid.NewGuid();
        using var alice = factory.CreateClientAs(tenant, "alice", "admin");
        using var bob = factory.CreateClientAs(tenant, "bob", "member");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var created = await (await alice.PostAsJsonAsync("/api/requests", new { title = $"A{i}" })).Content.ReadFromJsonAsync<JsonObject>();
            ids.Add((string)created!["id"]!);
        }

        await bob.PostAsJsonAsync("/api/requests", new { title = "B" });

        var page1 = await alice.GetFromJsonAsync<JsonObject>("/api/audit?actor=alice&action=requests.create&limit=2");
        var page2 = await alice.GetFromJsonAsync<JsonObject>($"/api/audit?actor=alice&action=requests.create&limit=2&cursor={page1!["nextCursor"]}");
        var page3 = await alice.GetFromJsonAsync<JsonObject>($"/api/audit?actor=alice&action=requests.create&limit=2&cursor={page2!["nextCursor"]}");
        var paged = new[] { page1, page2, page3! }.SelectMany(p => p["items"]!.AsArray()).Select(e => (string)e!["targetId"]!).ToList();

        Assert.Equal(ids.AsEnumerable().Reverse(), paged);
        Assert.Null((string?)page3!["nextCursor"]);
        Assert.Equal(6, (await EntriesAsync(alice, "action=requests.create", tenant)).Count);
        Assert.Single(await EntriesAsync(alice, "actor=bob", tenant));
        var byTarget = Assert.Single(await EntriesAsync(alice, $"targetType=requests&targetId={ids[2]}", tenant));
        Assert.Equal("alice", (string?)byTarget["actorId"]);
        Assert.Equal(6, (await EntriesAsync(alice, $"from={Uri.EscapeDataString(before.ToString("O", CultureInfo.InvariantCulture))}", tenant)).Count);
        Assert.Empty(await EntriesAsync(alice, $"to={Uri.EscapeDataString(before.ToString("O", CultureInfo.InvariantCulture))}", tenant));
    }

    [Fact]
    public async Task Bad_filters_are_400_with_field_errors()
    {
        using var alice = factory.CreateClientAs(_tenant, "alice", "admin");

        var response = await alice.GetAsync("/api/audit?limit=0&cursor=nope&from=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("limit") && errors.ContainsKey("cursor") && errors.ContainsKey("from"));
    }

    [Fact]
    public async Task Role_overrides_take_effect_for_the_tenant_and_unknown_permissions_are_400()
    {
        var tenant = Guid.NewGuid();
        using var admin = factory.CreateClientAs(tenant, "admin-1", "admin");
        using var member = factory.CreateClientAs(tenant, "member-1", "member");
        using var otherMember = factory.CreateClientAs(Guid.NewGuid(), "member-2", "member");

        var unknown = await admin.PutAsJsonAsync("/api/roles/member/permissions", new { permissions = new[] { "audit.read", "audit.raed" } });
        var granted = await admin.PutAsJsonAsync("/api/roles/member/permissions", new { permissions = new[] { "audit.read" } });
        var roles = await admin.GetFromJsonAsync<JsonObject>("/api/roles");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("audit.raed", (await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var memberRole = roles!["roles"]!.AsArray().Single(r => (string?)r!["role"] == "member")!;
        Assert.True((bool)memberRole["customized"]!);
        Assert.Equal(["audit.read"], memberRole["permissions"]!.AsArray().Select(p => (string)p!).ToList());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/requests", new { title = "no longer granted" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherMember.GetAsync("/api/audit")).StatusCode);
        var entry = Assert.Single(await EntriesAsync(admin, "action=kernel.roles.update", tenant));
        Assert.Equal("member", (string?)entry["targetId"]);
    }

    private async Task<List<JsonNode>> EntriesAsync(HttpClient client, string query, Guid? tenant = null)
    {
        using var reader = tenant is { } t ? factory.CreateClientAs(t, "auditor", "admin") : null;
        var page = await (reader ?? client).GetFromJsonAsync<JsonObject>($"/api/audit?{query}&limit=200");
        return page!["items"]!.AsArray().Select(e => e!).ToList();
    }

    private async Task<long> OwnerScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
