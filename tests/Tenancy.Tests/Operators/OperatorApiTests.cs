using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Tenancy.Tests.Operators;

/// <summary>
/// The registry's operator API (<c>/api/platform/tenants</c>) end to end on the sample host: what operators can do,
/// what it answers, what it records, and that nobody else gets in.
/// </summary>
public sealed class OperatorApiTests(TenancyFixture fixture) : IClassFixture<TenancyFixture>
{
    private const string Tenants = "/api/platform/tenants";

    [Fact]
    public async Task Creating_a_tenant_answers_201_with_the_tenant_its_etag_and_its_location()
    {
        using var op = fixture.Host.OperatorClient();
        var slug = Slug("create");
        var externalId = $"org_{Guid.NewGuid():N}";

        var response = await op.PostAsJsonAsync(Tenants, new { slug, name = "  Acme Corp  ", externalIds = new[] { externalId } });

        var tenant = await Http.ReadAsync(response, HttpStatusCode.Created);
        var id = Guid.Parse((string)tenant["id"]!);
        Assert.Equal(slug, (string?)tenant["slug"]);
        Assert.Equal("Acme Corp", (string?)tenant["name"]);
        Assert.Equal("active", (string?)tenant["status"]);
        Assert.Null(tenant["statusReason"]);
        Assert.Equal([externalId], tenant["externalIds"]!.AsArray().Select(x => (string?)x));
        Assert.Equal(1, (int)tenant["version"]!);
        Assert.NotNull(tenant["createdAt"]);
        Assert.NotNull(tenant["updatedAt"]);
        Assert.Equal("\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal($"{Tenants}/{id}", response.Headers.Location?.OriginalString);

        var read = await Http.ReadAsync(await op.GetAsync(response.Headers.Location), HttpStatusCode.OK);
        Assert.Equal(tenant.ToJsonString(), read.ToJsonString());
        Assert.Equal(slug, await Owner.ScalarAsync<string>(fixture.Database, "select slug from kernel.tenants where id = $1 and status = 'active'", id));
        Assert.Equal(id, await Owner.ScalarAsync<Guid>(fixture.Database, "select tenant from kernel.tenant_external_ids where external_id = $1", externalId));
    }

    [Fact]
    public async Task A_duplicate_slug_is_409_and_registers_nothing()
    {
        using var op = fixture.Host.OperatorClient();
        var slug = Slug("dup");
        await CreateAsync(op, slug);

        var response = await op.PostAsJsonAsync(Tenants, new { slug, name = "Second of that slug" });

        await Http.AssertEnvelopeAsync(response, HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where name = 'Second of that slug'"));
    }

    [Fact]
    public async Task A_duplicate_external_id_is_409_and_registers_nothing()
    {
        using var op = fixture.Host.OperatorClient();
        var externalId = $"org_{Guid.NewGuid():N}";
        await CreateAsync(op, Slug("ext"), externalId);
        var slug = Slug("ext-again");

        var response = await op.PostAsJsonAsync(Tenants, new { slug, name = "Same org", externalIds = new[] { externalId } });

        await Http.AssertEnvelopeAsync(response, HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
    }

    [Theory]
    [InlineData("Acme")]
    [InlineData("-acme")]
    [InlineData("acme-")]
    [InlineData("ac--me")]
    [InlineData("ac_me")]
    [InlineData("ac me")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 64
    [InlineData("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")] // Would read as a tenant id wherever tenants are named.
    [InlineData("0193a1b2c3d47e5f8a9b0c1d2e3f4a5b")]
    public async Task A_malformed_slug_is_400_naming_slug(string slug)
    {
        using var op = fixture.Host.OperatorClient();
        var name = $"Malformed {Guid.NewGuid():N}";

        var problem = await Http.AssertEnvelopeAsync(await op.PostAsJsonAsync(Tenants, new { slug, name }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.NotNull(problem["errors"]!["slug"]);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where name = $1", name));
    }

    [Theory]
    [InlineData("api")]
    [InlineData("admin")]
    [InlineData("www")]
    [InlineData("platform")]
    public async Task A_reserved_slug_is_400_naming_slug(string slug)
    {
        using var op = fixture.Host.OperatorClient();

        var problem = await Http.AssertEnvelopeAsync(await op.PostAsJsonAsync(Tenants, new { slug, name = "Reserved" }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Contains("reserved", (string?)problem["errors"]!["slug"]![0], StringComparison.Ordinal);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
    }

    [Fact]
    public async Task A_missing_name_is_400_naming_name()
    {
        using var op = fixture.Host.OperatorClient();
        var slug = Slug("noname");

        var problem = await Http.AssertEnvelopeAsync(await op.PostAsJsonAsync(Tenants, new { slug, name = "   " }), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.NotNull(problem["errors"]!["name"]);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
    }

    [Fact]
    public async Task An_unknown_field_is_400_and_registers_nothing()
    {
        using var op = fixture.Host.OperatorClient();
        var slug = Slug("unknown-field");

        var response = await op.PostAsJsonAsync(Tenants, new { slug, name = "Unknown field", status = "suspended" });

        await Http.AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var op = fixture.Host.OperatorClient();
        var slug = Slug("form");

        var response = await op.PostAsync(Tenants, new StringContent($"slug={slug}&name=Form", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await Http.AssertEnvelopeAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
    }

    [Fact]
    public async Task Listing_by_status_pages_through_every_matching_tenant_exactly_once()
    {
        using var op = fixture.Host.OperatorClient();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(op, Slug($"page{i}")));
        }

        var suspended = created.Take(2).ToList();
        foreach (var id in suspended)
        {
            await Http.ReadAsync(await op.PostAsJsonAsync($"{Tenants}/{id}/suspend", new { reason = "paging" }), HttpStatusCode.OK);
        }

        var active = await PagesAsync(op, "active");
        var ofSuspended = await PagesAsync(op, "suspended");

        Assert.Equal(active.Count, active.Distinct().Count());
        Assert.Equal(ofSuspended.Count, ofSuspended.Distinct().Count());
        Assert.Superset(created.Skip(2).ToHashSet(), active.ToHashSet());
        Assert.Superset(suspended.ToHashSet(), ofSuspended.ToHashSet());
        Assert.DoesNotContain(active, suspended.Contains);
        Assert.DoesNotContain(ofSuspended, created.Skip(2).Contains);

        // Every active tenant of the registry, and nothing else, across the pages.
        var registered = (await Owner.RowsAsync(fixture.Database, "select id from kernel.tenants where status = 'active'")).Select(r => (Guid)r[0]!).ToHashSet();
        Assert.Equal(registered.Order(), active.Order());
    }

    [Theory]
    [InlineData("status=deleted", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=%205", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task A_malformed_list_query_is_400_naming_the_parameter(string query, string field)
    {
        using var op = fixture.Host.OperatorClient();

        var problem = await Http.AssertEnvelopeAsync(await op.GetAsync($"{Tenants}?{query}"), HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Suspending_with_a_json_null_body_is_400_and_changes_nothing()
    {
        using var op = fixture.Host.OperatorClient();
        var tenant = await CreateAsync(op, Slug("null-body"));

        var response = await op.PostAsync($"{Tenants}/{tenant}/suspend", new StringContent("null", Encoding.UTF8, "application/json"));

        await Http.AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("active", await Owner.ScalarAsync<string>(fixture.Database, "select status from kernel.tenants where id = $1", tenant));
    }

    [Fact]
    public async Task Getting_an_unknown_tenant_is_404()
    {
        using var op = fixture.Host.OperatorClient();

        await Http.AssertEnvelopeAsync(await op.GetAsync($"{Tenants}/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "NOT_FOUND");
        await Http.AssertEnvelopeAsync(await op.PostAsJsonAsync($"{Tenants}/{Guid.NewGuid()}/suspend", new { reason = "x" }), HttpStatusCode.NotFound, "NOT_FOUND");
        await Http.AssertEnvelopeAsync(await op.PostAsync($"{Tenants}/{Guid.NewGuid()}/resume", null), HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_suspended_tenant_is_refused_with_TENANT_SUSPENDED_until_it_is_resumed()
    {
        using var op = fixture.Host.OperatorClient();
        var tenant = await CreateAsync(op, Slug("suspend"));
        using var member = fixture.Host.ClientAs(tenant, "alice", "member");
        await Http.CreateRequestAsync(member, "before the suspension");

        var suspended = await Http.ReadAsync(await op.PostAsJsonAsync($"{Tenants}/{tenant}/suspend", new { reason = "unpaid invoice" }), HttpStatusCode.OK);

        Assert.Equal("suspended", (string?)suspended["status"]);
        Assert.Equal("unpaid invoice", (string?)suspended["statusReason"]);
        Assert.Equal(2, (int)suspended["version"]!);
        await Eventually.HoldsAsync(async () => (await member.GetAsync("/api/requests")).StatusCode == HttpStatusCode.Forbidden, TimeSpan.FromSeconds(2), "the suspension reached the host");
        await Http.AssertEnvelopeAsync(await member.GetAsync("/api/requests"), HttpStatusCode.Forbidden, "TENANT_SUSPENDED");
        await Http.AssertEnvelopeAsync(await member.PostAsJsonAsync("/api/requests", new { title = "while suspended" }), HttpStatusCode.Forbidden, "TENANT_SUSPENDED");
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from requests.requests where tenant_id = $1 and title = 'while suspended'", tenant));

        var resumed = await Http.ReadAsync(await op.PostAsync($"{Tenants}/{tenant}/resume", null), HttpStatusCode.OK);

        Assert.Equal("active", (string?)resumed["status"]);
        Assert.Null(resumed["statusReason"]);
        await Eventually.HoldsAsync(async () => (await member.GetAsync("/api/requests")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(2), "the resumption reached the host");
        await Http.CreateRequestAsync(member, "after the resumption");
    }

    [Fact]
    public async Task A_stale_If_Match_is_412_and_changes_nothing()
    {
        using var op = fixture.Host.OperatorClient();
        var tenant = await CreateAsync(op, Slug("etag"));
        await Http.ReadAsync(await op.PostAsJsonAsync($"{Tenants}/{tenant}/suspend", new { reason = "first" }), HttpStatusCode.OK);
        await Http.ReadAsync(await op.PostAsync($"{Tenants}/{tenant}/resume", null), HttpStatusCode.OK); // Now at version 3.

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"{Tenants}/{tenant}/suspend") { Content = JsonContent.Create(new { reason = "stale" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        await Http.AssertEnvelopeAsync(await op.SendAsync(stale), HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        Assert.Equal("active", await Owner.ScalarAsync<string>(fixture.Database, "select status from kernel.tenants where id = $1", tenant));

        using var current = new HttpRequestMessage(HttpMethod.Post, $"{Tenants}/{tenant}/suspend") { Content = JsonContent.Create(new { reason = "current" }) };
        current.Headers.IfMatch.Add(new EntityTagHeaderValue("\"3\""));
        var response = await op.SendAsync(current);
        var suspended = await Http.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("suspended", (string?)suspended["status"]);
        Assert.Equal("\"4\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Suspending_an_erased_tenant_is_409()
    {
        using var op = fixture.Host.OperatorClient();
        var tenant = await CreateAsync(op, Slug("erased"));
        await Owner.ScalarAsync<object>(fixture.Database, "update kernel.tenants set status = 'erased' where id = $1", tenant);

        await Http.AssertEnvelopeAsync(await op.PostAsJsonAsync($"{Tenants}/{tenant}/suspend", new { reason = "too late" }), HttpStatusCode.Conflict, "CONFLICT");
        await Http.AssertEnvelopeAsync(await op.PostAsync($"{Tenants}/{tenant}/resume", null), HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("erased", await Owner.ScalarAsync<string>(fixture.Database, "select status from kernel.tenants where id = $1", tenant));
    }

    [Theory]
    [InlineData("POST", "", "kernel.tenants.create")]
    [InlineData("GET", "", "kernel.tenants.list")]
    [InlineData("GET", "/{id}", "kernel.tenants.get")]
    [InlineData("POST", "/{id}/suspend", "kernel.tenants.suspend")]
    [InlineData("POST", "/{id}/resume", "kernel.tenants.resume")]
    public async Task A_tenant_admin_is_forbidden_every_operator_route_and_the_attempt_is_recorded(string method, string path, string action)
    {
        using var op = fixture.Host.OperatorClient();
        var target = await CreateAsync(op, Slug("target"));
        var admin = $"admin-{Guid.NewGuid():N}";
        using var client = fixture.Host.ClientAs(Guid.NewGuid(), admin, "admin");
        var slug = Slug("by-admin");
        using var request = new HttpRequestMessage(new HttpMethod(method), Tenants + path.Replace("{id}", target.ToString(), StringComparison.Ordinal))
        {
            Content = method == "POST" ? JsonContent.Create(path.Length == 0 ? new { slug, name = "By a tenant admin" } : (object)new { reason = "by a tenant admin" }) : null,
        };

        var response = await client.SendAsync(request);

        // The envelope and nothing of the registry (its 'instance' is the path the caller sent).
        var problem = await Http.AssertEnvelopeAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        problem.Remove("instance");
        Assert.Equal(
            ["code", "correlationId", "detail", "status", "title", "traceId", "type"],
            problem.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(target.ToString(), problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("active", await Owner.ScalarAsync<string>(fixture.Database, "select status from kernel.tenants where id = $1", target));
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.tenants where slug = $1", slug));
        var denied = await Owner.RowsAsync(fixture.Database, "select action, outcome, status, target_tenant from kernel.platform_audit where actor_id = $1", admin);
        var entry = Assert.Single(denied);
        Assert.Equal(action, entry[0]);
        Assert.Equal("denied", entry[1]);
        Assert.Equal(403, entry[2]);
        Assert.Equal(path.Contains("{id}", StringComparison.Ordinal) ? target : null, (Guid?)entry[3]);
    }

    [Fact]
    public async Task The_operator_role_in_a_tenant_scoped_identity_still_reaches_no_tenant_data_through_operator_routes()
    {
        // An operator acts outside tenants: the tenant its credentials name is ignored, not resolved (no 403 TENANT_UNKNOWN
        // for a tenant the registry does not know), and the answer is the registry, not that tenant's data.
        using var client = fixture.Host.CreateClient();
        client.DefaultRequestHeaders.Add("X-Dev-Actor", "op-with-tenant");
        client.DefaultRequestHeaders.Add("X-Dev-Roles", TenancyHost.OperatorRole);
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", Guid.NewGuid().ToString());

        var page = await Http.ReadAsync(await client.GetAsync($"{Tenants}?limit=1"), HttpStatusCode.OK);

        Assert.NotNull(page["items"]);
    }

    [Theory]
    [InlineData("POST", "")]
    [InlineData("GET", "")]
    [InlineData("GET", "/{id}")]
    [InlineData("POST", "/{id}/suspend")]
    [InlineData("POST", "/{id}/resume")]
    public async Task An_anonymous_caller_is_401_on_every_operator_route(string method, string path)
    {
        using var client = fixture.Host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), Tenants + path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
        {
            Content = method == "POST" ? JsonContent.Create(new { }) : null,
        };

        await Http.AssertEnvelopeAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Operator_actions_are_in_the_platform_audit_stream_and_in_the_tenants_own_log()
    {
        var operatorId = $"op-{Guid.NewGuid():N}";
        using var op = fixture.Host.OperatorClient(operatorId);
        var tenant = await CreateAsync(op, Slug("audited"));
        await Http.ReadAsync(await op.PostAsJsonAsync($"{Tenants}/{tenant}/suspend", new { reason = "audit" }), HttpStatusCode.OK);
        await Http.ReadAsync(await op.PostAsync($"{Tenants}/{tenant}/resume", null), HttpStatusCode.OK);

        var platform = await Owner.RowsAsync(
            fixture.Database,
            "select action, target_tenant, outcome, status from kernel.platform_audit where actor_id = $1 order by id",
            operatorId);
        Assert.Equal(
            [("kernel.tenants.create", 201), ("kernel.tenants.suspend", 200), ("kernel.tenants.resume", 200)],
            platform.Select(r => ((string)r[0]!, (int)r[3]!)));
        Assert.All(platform, r => Assert.Equal(tenant, (Guid?)r[1]));
        Assert.All(platform, r => Assert.Equal("success", r[2]));

        // The tenant's own admin sees what the operator did to the tenant, in its audit log.
        using var admin = fixture.Host.ClientAs(tenant, "tenant-admin", "admin");
        var log = await Http.ReadAsync(await admin.GetAsync("/api/audit?limit=100"), HttpStatusCode.OK);
        var suspension = Assert.Single(log["items"]!.AsArray(), e => (string?)e!["action"] == "kernel.tenants.suspend")!;
        Assert.Equal(operatorId, (string?)suspension["actorId"]);
        Assert.Equal("tenant", (string?)suspension["targetType"]);
        Assert.Equal(tenant.ToString(), (string?)suspension["targetId"]);
        Assert.Equal("success", (string?)suspension["outcome"]);
        Assert.Contains(log["items"]!.AsArray(), e => (string?)e!["action"] == "kernel.tenants.resume" && (string?)e["actorId"] == operatorId);
    }

    [Fact]
    public async Task An_operator_read_of_the_registry_writes_nothing_to_any_tenants_log()
    {
        var operatorId = $"op-{Guid.NewGuid():N}";
        using var op = fixture.Host.OperatorClient(operatorId);
        var tenant = await CreateAsync(op, Slug("read"));

        await Http.ReadAsync(await op.GetAsync($"{Tenants}/{tenant}"), HttpStatusCode.OK);
        await Http.ReadAsync(await op.GetAsync(Tenants), HttpStatusCode.OK);

        Assert.Equal(
            ["kernel.tenants.create"],
            (await Owner.RowsAsync(fixture.Database, "select action from kernel.platform_audit where actor_id = $1", operatorId)).Select(r => (string)r[0]!));
    }

    private static string Slug(string what) => $"{what}-{Guid.NewGuid():N}"[..Math.Min(what.Length + 13, 63)];

    private static async Task<Guid> CreateAsync(HttpClient op, string slug, params string[] externalIds)
    {
        var created = await Http.ReadAsync(await op.PostAsJsonAsync(Tenants, new { slug, name = $"Tenant {slug}", externalIds }), HttpStatusCode.Created);
        return Guid.Parse((string)created["id"]!);
    }

    /// <summary>Every id the list answers for <paramref name="status"/>, following cursors two at a time.</summary>
    private static async Task<List<Guid>> PagesAsync(HttpClient op, string status)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await Http.ReadAsync(
                await op.GetAsync($"{Tenants}?status={status}&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")),
                HttpStatusCode.OK);
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2, $"A page of {items.Count} for limit=2.");
            Assert.All(items, item => Assert.Equal(status, (string?)item!["status"]));
            ids.AddRange(items.Select(item => Guid.Parse((string)item!["id"]!)));
            cursor = (string?)page["nextCursor"];
            if (cursor is null)
            {
                return ids;
            }
        }

        throw new InvalidOperationException("The cursor never ended.");
    }
}
