using System.Net;
using System.Text.Json.Nodes;

namespace WebHost.Demo;

/// <summary>
/// The demo's plan steps: both signed-up tenants start on the <c>free</c> plan (<c>Kernel:Tenancy:DefaultPlan</c>), which
/// does not include the optional <c>requests-reminders</c> addon; an operator moves tenant A to <c>pro</c>, whose
/// reminders then work within the settings A's admin changes.
/// </summary>
internal static class PlansDemo
{
    private const string Reminders = "requests-reminders";

    public static async Task RunAsync(DemoReport report, HttpClient http, DemoClient alice, DemoClient bob)
    {
        report.Section("Plans and optional addons: reminders are on the pro plan, not on free");
        var (tenant, tenantBody) = await alice.SendAsync(HttpMethod.Get, "/api/tenant");
        report.Check("GET /api/tenant: A is on the free plan, without requests-reminders", tenant.IsSuccessStatusCode
            && (string?)tenantBody?["plan"] == "free" && !HasAddon(tenantBody, Reminders),
            $"{(int)tenant.StatusCode}, plan {tenantBody?["plan"]}, addons [{Addons(tenantBody)}]");

        var (_, request) = await alice.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Water the plants in the lobby" });
        var requestId = (string)request!["id"]!;
        var (refused, refusedBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestId}/remind");
        report.Check("on free, alice's remind call is 403 ADDON_NOT_ENABLED (before the handler: no job)",
            refused.StatusCode == HttpStatusCode.Forbidden && (string?)refusedBody?["code"] == "ADDON_NOT_ENABLED",
            $"{(int)refused.StatusCode} {refusedBody?["code"]}: {refusedBody?["detail"]}");

        var ops = new DemoClient(http, "ops@platform");
        await ops.UseDevTokenAsync(tenant: null, "platform-operator");
        var (moved, movedBody) = await ops.SendAsync(HttpMethod.Put, $"/api/platform/tenants/{alice.Tenant}/plan", new { plan = "pro" });
        report.Check("the operator moves A to pro (PUT /api/platform/tenants/{id}/plan)", moved.IsSuccessStatusCode
            && (string?)movedBody?["plan"] == "pro" && HasAddon(movedBody, Reminders),
            $"{(int)moved.StatusCode}, plan {movedBody?["plan"]}, addons [{Addons(movedBody)}]");

        var (_, proBody, waited) = await WaitForAsync(alice, "/api/tenant", body => (string?)body?["plan"] == "pro");
        report.Check("GET /api/tenant: A is on pro, with requests-reminders", (string?)proBody?["plan"] == "pro" && HasAddon(proBody, Reminders),
            $"plan {proBody?["plan"]}, addons [{Addons(proBody)}], seen after {waited.TotalMilliseconds:0} ms");

        var (accepted, acceptedBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestId}/remind");
        var jobId = (string?)acceptedBody?["jobId"];
        var state = await WaitForJobAsync(alice, jobId);
        report.Check("on pro, the same remind call is 202, and its job records the reminder", accepted.StatusCode == HttpStatusCode.Accepted && state == "succeeded",
            $"{(int)accepted.StatusCode}, job {jobId} {state}");

        var (bobTenant, bobTenantBody) = await bob.SendAsync(HttpMethod.Get, "/api/tenant");
        var (_, bobRequest) = await bob.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Order more paper" });
        var (bobRefused, bobRefusedBody) = await bob.SendAsync(HttpMethod.Post, $"/api/requests/{(string?)bobRequest?["id"]}/remind");
        report.Check("B, still on free, is still refused 403 ADDON_NOT_ENABLED", bobTenant.IsSuccessStatusCode && (string?)bobTenantBody?["plan"] == "free"
            && bobRefused.StatusCode == HttpStatusCode.Forbidden && (string?)bobRefusedBody?["code"] == "ADDON_NOT_ENABLED",
            $"plan {bobTenantBody?["plan"]}, remind {(int)bobRefused.StatusCode} {bobRefusedBody?["code"]}");

        await SettingsAsync(report, alice, requestId);
    }

    private static async Task SettingsAsync(DemoReport report, DemoClient alice, string requestId)
    {
        report.Section("Settings per tenant: A's admin lowers requests-reminders' maxPerRequest");
        const string path = "/api/settings/" + Reminders;
        var (read, settings) = await alice.SendAsync(HttpMethod.Get, path);
        var etag = read.Headers.ETag?.Tag;
        report.Check("GET the settings: pro's defaults, dailyLimit plan-only, with an ETag", read.IsSuccessStatusCode && (int?)settings?["settings"]?["maxPerRequest"] == 5
            && settings?["planOnly"]?.AsArray().Any(p => (string?)p == "dailyLimit") == true && etag is not null,
            $"{(int)read.StatusCode}, ETag {etag}, settings {Compact(settings?["settings"])}, overrides {Compact(settings?["overrides"])}, planOnly {Compact(settings?["planOnly"])}");

        var (planOnly, planOnlyBody) = await alice.SendAsync(HttpMethod.Put, path, new { dailyLimit = 100_000 }, ifMatch: etag);
        report.Check("changing the plan-only dailyLimit is 400 VALIDATION_FAILED naming it", planOnly.StatusCode == HttpStatusCode.BadRequest
            && (string?)planOnlyBody?["code"] == "VALIDATION_FAILED" && planOnlyBody?["errors"]?["dailyLimit"] is not null,
            $"{(int)planOnly.StatusCode} {planOnlyBody?["code"]}: dailyLimit {Compact(planOnlyBody?["errors"]?["dailyLimit"])}");

        var (changed, changedBody) = await alice.SendAsync(HttpMethod.Put, path, new { maxPerRequest = 1 }, ifMatch: etag);
        report.Check("PUT {\"maxPerRequest\": 1} with If-Match", changed.IsSuccessStatusCode && (int?)changedBody?["settings"]?["maxPerRequest"] == 1,
            $"{(int)changed.StatusCode}, ETag {etag} → {changed.Headers.ETag?.Tag}, overrides {Compact(changedBody?["overrides"])}");

        var (stale, staleBody) = await alice.SendAsync(HttpMethod.Put, path, new { maxPerRequest = 2 }, ifMatch: etag);
        report.Check("another PUT with the now stale ETag is 412", stale.StatusCode == HttpStatusCode.PreconditionFailed,
            $"{(int)stale.StatusCode} {staleBody?["code"]}");

        // The change reaches every instance's settings cache through NOTIFY; wait until this one reads it.
        await WaitForAsync(alice, path, body => (int?)body?["settings"]?["maxPerRequest"] == 1);
        var (over, overBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestId}/remind");
        report.Check("the request already has 1 reminder: the next remind call is 409 CONFLICT", over.StatusCode == HttpStatusCode.Conflict && (string?)overBody?["code"] == "CONFLICT",
            $"{(int)over.StatusCode} {overBody?["code"]}: {overBody?["detail"]}");
    }

    private static async Task<(HttpResponseMessage Response, JsonNode? Body, TimeSpan Waited)> WaitForAsync(DemoClient client, string path, Func<JsonNode?, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (response, body) = await client.SendAsync(HttpMethod.Get, path);
            if ((response.IsSuccessStatusCode && done(body)) || clock.Elapsed >= OperatorDemo.Propagation)
            {
                return (response, body, clock.Elapsed);
            }

            await Task.Delay(20);
        }
    }

    private static async Task<string?> WaitForJobAsync(DemoClient client, string? jobId)
    {
        string? state = null;
        for (var i = 0; jobId is not null && i < 100 && state is not ("succeeded" or "dead"); i++)
        {
            await Task.Delay(100);
            var (_, job) = await client.SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}");
            state = (string?)job?["state"];
        }

        return state;
    }

    private static bool HasAddon(JsonNode? tenant, string addon) => tenant?["addons"]?.AsArray().Any(a => (string?)a == addon) == true;

    private static string Addons(JsonNode? tenant) => string.Join(", ", tenant?["addons"]?.AsArray().Select(a => (string?)a) ?? []);

    private static string Compact(JsonNode? node) => node?.ToJsonString() ?? "null";
}
