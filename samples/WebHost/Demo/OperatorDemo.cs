using System.Net;
using System.Text.Json.Nodes;

namespace WebHost.Demo;

/// <summary>
/// The demo's platform-operator steps: the registry as operators see it, suspending and resuming a tenant, and a tenant
/// reached through an identity provider's organization id instead of its UUID.
/// </summary>
internal static class OperatorDemo
{
    /// <summary>
    /// How long the lifecycle steps wait for a change made by routes of another branch to be seen (a registry change
    /// reaches every instance's cache through NOTIFY, delivered after commit).
    /// </summary>
    internal static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    /// <summary>Runs the steps; returns the operator, whose token the lifecycle steps go on with.</summary>
    public static async Task<DemoClient> RunAsync(DemoReport report, HttpClient http, DemoClient alice, DemoClient bob)
    {
        report.Section("Platform operators: the tenant registry (a signed operator token, no tenant)");
        var ops = new DemoClient(http, "ops@platform");
        var minted = await ops.UseDevTokenAsync(tenant: null, "platform-operator");
        report.Check("the dev identity provider mints an operator token (Development only)", minted.IsSuccessStatusCode && ops.AccessToken is not null,
            $"{(int)minted.StatusCode}, roles [platform-operator], no tenant claim");

        var (list, page) = await ops.SendAsync(HttpMethod.Get, "/api/platform/tenants?limit=200");
        var tenants = page?["items"]?.AsArray().Select(t => t!).ToList() ?? [];
        var a = tenants.FirstOrDefault(t => (string?)t["id"] == alice.Tenant.ToString());
        var b = tenants.FirstOrDefault(t => (string?)t["id"] == bob.Tenant.ToString());
        report.Check("the operator lists tenants and finds both signed-up ones, active", list.IsSuccessStatusCode
            && (string?)a?["status"] == "active" && (string?)b?["status"] == "active",
            $"{(int)list.StatusCode}, {tenants.Count} tenant(s): {string.Join(", ", tenants.Select(t => $"{t["slug"]} ({t["status"]})"))}");

        var (denied, deniedBody) = await alice.SendAsync(HttpMethod.Get, "/api/platform/tenants");
        report.Check("a tenant admin on an operator route is 403 FORBIDDEN (no tenant role makes an operator)",
            denied.StatusCode == HttpStatusCode.Forbidden && (string?)deniedBody?["code"] == "FORBIDDEN",
            $"{(int)denied.StatusCode} {deniedBody?["code"]}: {deniedBody?["detail"]}");

        await SuspendAndResumeAsync(report, ops, alice);
        await ExternalIdAsync(report, http, ops, alice);
        return ops;
    }

    private static async Task SuspendAndResumeAsync(DemoReport report, DemoClient ops, DemoClient alice)
    {
        report.Section("Suspend and resume tenant A");
        var path = $"/api/platform/tenants/{alice.Tenant}";
        var (got, _) = await ops.SendAsync(HttpMethod.Get, path);
        var etag = got.Headers.ETag?.Tag;
        var (suspended, suspendedBody) = await ops.SendAsync(HttpMethod.Post, $"{path}/suspend", new { reason = "Demo: unpaid invoice" }, ifMatch: etag);
        report.Check("the operator suspends A (If-Match its ETag)", suspended.IsSuccessStatusCode && (string?)suspendedBody?["status"] == "suspended",
            $"{(int)suspended.StatusCode}, ETag {etag} → {suspended.Headers.ETag}, status {suspendedBody?["status"]}, reason \"{suspendedBody?["statusReason"]}\"");

        // The very next request: the instance that made the change evicts its cached copy on commit (others on NOTIFY).
        var (refused, refusedBody) = await alice.SendAsync(HttpMethod.Get, "/api/requests");
        report.Check("alice's bearer token on A is now 403 TENANT_SUSPENDED", refused.StatusCode == HttpStatusCode.Forbidden && (string?)refusedBody?["code"] == "TENANT_SUSPENDED",
            $"{(int)refused.StatusCode} {refusedBody?["code"]}: {refusedBody?["detail"]}");

        var (stale, staleBody) = await ops.SendAsync(HttpMethod.Post, $"{path}/resume", ifMatch: etag);
        report.Check("resuming with the stale ETag is 412", stale.StatusCode == HttpStatusCode.PreconditionFailed,
            $"{(int)stale.StatusCode} {staleBody?["code"]}: {staleBody?["detail"]}");

        var (resumed, resumedBody) = await ops.SendAsync(HttpMethod.Post, $"{path}/resume", ifMatch: suspended.Headers.ETag?.Tag);
        report.Check("the operator resumes A", resumed.IsSuccessStatusCode && (string?)resumedBody?["status"] == "active",
            $"{(int)resumed.StatusCode}, status {resumedBody?["status"]}");

        var (back, backBody) = await alice.SendAsync(HttpMethod.Get, "/api/requests");
        report.Check("alice's requests answer 200 again, her data untouched", back.StatusCode == HttpStatusCode.OK,
            $"{(int)back.StatusCode}, {backBody?["items"]?.AsArray().Count} request(s)");

        var (_, audit) = await alice.SendAsync(HttpMethod.Get, "/api/audit?limit=50");
        var operatorEntries = audit?["items"]?.AsArray().Where(e => (string?)e!["actorId"] == ops.Email).Select(e => (string)e!["action"]!).ToList() ?? [];
        report.Check("A's own audit log shows the operator's actions", operatorEntries.Contains("kernel.tenants.suspend") && operatorEntries.Contains("kernel.tenants.resume"),
            $"by {ops.Email}: {string.Join(", ", operatorEntries.AsEnumerable().Reverse())}");
    }

    private static async Task ExternalIdAsync(DemoReport report, HttpClient http, DemoClient ops, DemoClient alice)
    {
        report.Section("A tenant named by the identity provider's organization id (tenant claim \"org_demo\", not a UUID)");
        var (created, tenant) = await ops.SendAsync(HttpMethod.Post, "/api/platform/tenants",
            new { slug = $"demo-org-{Guid.NewGuid().ToString("N")[..6]}", name = "Demo Org", externalIds = new[] { "org_demo" } });
        report.Check("the operator registers a tenant with external id org_demo", created.StatusCode == HttpStatusCode.Created,
            $"{(int)created.StatusCode}, id {tenant?["id"]}, slug {tenant?["slug"]}, externalIds [{string.Join(", ", tenant?["externalIds"]?.AsArray().Select(x => (string?)x) ?? [])}]");

        var dana = new DemoClient(http, "dana@org-demo.example");
        var minted = await dana.UseDevTokenAsync("org_demo", "admin");
        var (made, request) = await dana.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Badge reader at the side door" });
        var (listed, page) = await dana.SendAsync(HttpMethod.Get, "/api/requests");
        var items = page?["items"]?.AsArray() ?? [];
        report.Check("a signed token with tenant_id \"org_demo\" reaches that tenant", minted.IsSuccessStatusCode && made.StatusCode == HttpStatusCode.Created
            && listed.IsSuccessStatusCode && items.Count == 1 && (string?)items[0]!["id"] == (string?)request?["id"],
            $"create {(int)made.StatusCode}, list {(int)listed.StatusCode} with {items.Count} request(s): {string.Join(", ", items.Select(i => (string?)i!["title"]))}");

        var (aliceList, alicePage) = await alice.SendAsync(HttpMethod.Get, "/api/requests?limit=50");
        report.Check("tenant A does not see it", aliceList.IsSuccessStatusCode
            && alicePage?["items"]?.AsArray().Any(i => (string?)i!["id"] == (string?)request?["id"]) == false,
            $"{alicePage?["items"]?.AsArray().Count} request(s) in A, none of them dana's");

        var stranger = new DemoClient(http, "eve@nowhere.example");
        await stranger.UseDevTokenAsync("org_nobody", "admin");
        var (unknown, unknownBody) = await stranger.SendAsync(HttpMethod.Get, "/api/requests");
        report.Check("a token naming an organization the registry does not know is 403 TENANT_UNKNOWN",
            unknown.StatusCode == HttpStatusCode.Forbidden && (string?)unknownBody?["code"] == "TENANT_UNKNOWN",
            $"{(int)unknown.StatusCode} {unknownBody?["code"]}: {unknownBody?["detail"]}");
    }

    /// <summary>The tenant's current view (status, ETag) as the operator reads it.</summary>
    public static async Task<(JsonNode? Tenant, string? ETag)> GetAsync(DemoClient ops, Guid tenant)
    {
        var (response, body) = await ops.SendAsync(HttpMethod.Get, $"/api/platform/tenants/{tenant}");
        return (response.IsSuccessStatusCode ? body : null, response.Headers.ETag?.Tag);
    }
}
