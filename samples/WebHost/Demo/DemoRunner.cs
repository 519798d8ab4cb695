using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace WebHost.Demo;

/// <summary>
/// The <c>demo</c> command: boots the host, signs up two tenants through the dev identity provider, exercises the
/// API over real HTTP with bearer tokens — as the tenants' users and as a platform operator (<see cref="PlansDemo"/>,
/// <see cref="OperatorDemo"/>, <see cref="LifecycleDemo"/>) — prints a report, and exits 0 only if every step held.
/// </summary>
internal static class DemoRunner
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        var report = new DemoReport(Console.Out);
        using var traces = new DemoTraces();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine($"Kernel demo: host listening on {address}");
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var alice = new DemoClient(http, "alice@tenant-a.example");
            var bob = new DemoClient(http, "bob@tenant-b.example");
            var carol = new DemoClient(http, "carol@tenant-a.example");
            await IdentityAsync(report, alice, bob, carol);
            var requestA = await RequestsAsync(report, alice, bob);
            await RolesAndAuditAsync(report, alice, carol, requestA);
            await PlansDemo.RunAsync(report, http, alice, bob);
            await JobsAsync(report, traces, alice, bob);
            var ops = await OperatorDemo.RunAsync(report, http, alice, bob);
            await LifecycleDemo.RunAsync(report, app.Services, ops, bob);
            await RefreshAsync(report, http, alice);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or NullReferenceException or Npgsql.NpgsqlException or System.Text.Json.JsonException)
        {
            report.Check("demo ran to the end", false, ex.Message);
        }
        finally
        {
            await app.StopAsync();
        }

        report.Summary();
        return report.AllPassed ? 0 : 1;
    }

    private const string Password = "correct horse battery staple";

    private static async Task IdentityAsync(DemoReport report, DemoClient alice, DemoClient bob, DemoClient carol)
    {
        report.Section("Sign up and log in through the dev identity provider (RS256 tokens, validated via its JWKS)");
        foreach (var (client, tenantName) in new[] { (alice, "Tenant A"), (bob, "Tenant B") })
        {
            var (signup, body) = await client.SendAsync(HttpMethod.Post, "/auth/signup", new { email = client.Email, password = Password, tenantName });
            client.Tenant = Guid.Parse((string)body!["tenantId"]!);
            client.UserId = Guid.Parse((string)body["userId"]!);
            report.Check($"{client.Email} signs up, creating {tenantName}", signup.StatusCode == HttpStatusCode.Created,
                $"{(int)signup.StatusCode}, tenant {client.Tenant}, user {client.UserId}");
            var login = await client.LoginAsync(Password);
            report.Check($"{client.Email} logs in", login.IsSuccessStatusCode && client.AccessToken is not null,
                $"{(int)login.StatusCode}, access token of {client.AccessToken?.Length} characters");
        }

        var (wrong, wrongBody) = await new DemoClient(alice.Http, alice.Email).SendAsync(HttpMethod.Post, "/auth/login", new { email = alice.Email, password = "not the password" });
        var (unknown, unknownBody) = await new DemoClient(alice.Http, alice.Email).SendAsync(HttpMethod.Post, "/auth/login", new { email = "nobody@nowhere.example", password = Password });
        report.Check("a wrong password and an unknown email get the same 401", wrong.StatusCode == HttpStatusCode.Unauthorized && unknown.StatusCode == HttpStatusCode.Unauthorized
            && (string?)wrongBody?["detail"] == (string?)unknownBody?["detail"], $"{(int)wrong.StatusCode} / {(int)unknown.StatusCode}: {wrongBody?["detail"]}");

        var (anonymous, anonymousBody) = await new DemoClient(alice.Http, "anonymous").SendAsync(HttpMethod.Get, "/api/requests");
        report.Check("no token on an API route is 401 UNAUTHENTICATED", anonymous.StatusCode == HttpStatusCode.Unauthorized && (string?)anonymousBody?["code"] == "UNAUTHENTICATED",
            $"{(int)anonymous.StatusCode} {anonymousBody?["code"]}, WWW-Authenticate: {anonymous.Headers.WwwAuthenticate}");

        var (invited, invitedBody) = await alice.SendAsync(HttpMethod.Post, "/auth/invite", new { email = carol.Email, password = Password, role = "member" });
        carol.Tenant = alice.Tenant;
        carol.UserId = invitedBody?["userId"] is { } id ? Guid.Parse((string)id!) : Guid.Empty;
        var carolLogin = await carol.LoginAsync(Password);
        report.Check("A's admin invites carol as a member; carol logs in", invited.StatusCode == HttpStatusCode.Created && carolLogin.IsSuccessStatusCode,
            $"{(int)invited.StatusCode}, carol {carol.UserId}, login {(int)carolLogin.StatusCode}");
    }

    private static async Task<string> RequestsAsync(DemoReport report, DemoClient alice, DemoClient bob)
    {
        report.Section($"Requests with bearer tokens: A={alice.Tenant}, B={bob.Tenant}");
        var (created, a1) = await alice.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Printer on floor 3 is jammed", priority = "high" });
        report.Check("A creates a request", created.StatusCode == HttpStatusCode.Created && created.Headers.Location is not null,
            $"{(int)created.StatusCode}, Location {created.Headers.Location}");
        var requestA = (string)a1!["id"]!;

        var (createdB, _) = await bob.SendAsync(HttpMethod.Post, "/api/requests", new { title = "New laptop for Sam" });
        report.Check("B creates a request", createdB.StatusCode == HttpStatusCode.Created, $"{(int)createdB.StatusCode}");

        var (listA, pageA) = await alice.SendAsync(HttpMethod.Get, "/api/requests?limit=10");
        var items = pageA?["items"]?.AsArray() ?? [];
        report.Check("A lists only A's requests", listA.IsSuccessStatusCode && items.Count == 1 && (string)items[0]!["id"]! == requestA,
            $"{items.Count} item(s): {string.Join(", ", items.Select(i => (string)i!["title"]!))}");

        var (crossRead, crossBody) = await bob.SendAsync(HttpMethod.Get, $"/api/requests/{requestA}");
        report.Check("B reading A's request is 404, not a hint it exists", crossRead.StatusCode == HttpStatusCode.NotFound && (string?)crossBody?["code"] == "NOT_FOUND",
            $"{(int)crossRead.StatusCode} {crossBody?["code"]}");

        var (illegal, illegalBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestA}/transition", new { to = "resolved" });
        report.Check("open → resolved is an illegal transition (409)", illegal.StatusCode == HttpStatusCode.Conflict && (string?)illegalBody?["code"] == "CONFLICT",
            $"{(int)illegal.StatusCode} {illegalBody?["code"]}: {illegalBody?["detail"]}");

        var (moved, movedBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestA}/transition", new { to = "in_progress" }, ifMatch: "\"1\"");
        report.Check("open → in_progress with If-Match \"1\"", moved.IsSuccessStatusCode && (string?)movedBody?["status"] == "in_progress",
            $"{(int)moved.StatusCode}, ETag {moved.Headers.ETag}");

        var (stale, staleBody) = await alice.SendAsync(HttpMethod.Patch, $"/api/requests/{requestA}", new { title = "Stale edit" }, ifMatch: "\"1\"");
        report.Check("an edit with a stale If-Match is 412", stale.StatusCode == HttpStatusCode.PreconditionFailed,
            $"{(int)stale.StatusCode} {staleBody?["code"]}");

        var (invalid, invalidBody) = await alice.SendAsync(HttpMethod.Post, "/api/requests", new { title = "", priority = "urgent" });
        var fields = invalidBody?["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
        report.Check("validation errors come back in the envelope, per field",
            invalid.StatusCode == HttpStatusCode.BadRequest && (string?)invalidBody?["code"] == "VALIDATION_FAILED" && fields.Contains("title") && fields.Contains("priority"),
            $"{(int)invalid.StatusCode} {invalidBody?["code"]} fields [{string.Join(", ", fields)}], traceId {invalidBody?["traceId"]}");
        return requestA;
    }

    private static async Task RolesAndAuditAsync(DemoReport report, DemoClient alice, DemoClient carol, string requestA)
    {
        report.Section("Roles and the audit log");
        var (created, _) = await carol.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Coffee machine leaks" });
        report.Check("carol (member) creates a request", created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}");

        var (denied, deniedBody) = await carol.SendAsync(HttpMethod.Put, "/api/roles/member/permissions", new { permissions = new[] { "audit.read" } });
        report.Check("carol (member) changing role grants is 403 FORBIDDEN", denied.StatusCode == HttpStatusCode.Forbidden && (string?)deniedBody?["code"] == "FORBIDDEN",
            $"{(int)denied.StatusCode} {deniedBody?["code"]}: {deniedBody?["detail"]}");

        var (roles, rolesBody) = await alice.SendAsync(HttpMethod.Get, "/api/roles");
        var member = rolesBody?["roles"]?.AsArray().FirstOrDefault(r => (string?)r!["role"] == "member");
        report.Check("alice (admin) reads the roles of tenant A", roles.IsSuccessStatusCode && member is not null,
            $"member: [{string.Join(", ", member?["permissions"]?.AsArray().Select(p => (string?)p) ?? [])}]");

        var (audit, auditBody) = await alice.SendAsync(HttpMethod.Get, "/api/audit?limit=50");
        var entries = auditBody?["items"]?.AsArray().Select(e => e!).ToList() ?? [];
        foreach (var entry in entries.AsEnumerable().Reverse())
        {
            Console.WriteLine($"      {entry["occurredAt"]} {entry["actorId"]} {entry["action"]} {entry["targetType"]}/{entry["targetId"]} {entry["outcome"]} {entry["status"]}");
        }

        var aliceId = alice.UserId.ToString();
        var carolId = carol.UserId.ToString();
        report.Check("the audit log names the real actors (token subjects)", audit.IsSuccessStatusCode
            && entries.Any(e => (string?)e["actorId"] == aliceId && (string?)e["action"] == "requests.create" && (string?)e["targetId"] == requestA)
            && entries.Any(e => (string?)e["actorId"] == carolId && (string?)e["action"] == "requests.create" && (string?)e["outcome"] == "success"),
            $"{entries.Count} entries in tenant A");
        report.Check("carol's denied attempt is in the audit log", entries.Any(e => (string?)e["actorId"] == carolId && (string?)e["action"] == "kernel.roles.update" && (string?)e["outcome"] == "denied"),
            "outcome denied, status 403");
        report.Check("failed changes left no entry (the 409, 412 and 400 above)", !entries.Any(e => (int?)e["status"] >= 400 && (string?)e["outcome"] == "success"),
            $"{entries.Count(e => (string?)e["outcome"] == "success")} success entries, all 2xx");

        var (carolAudit, _) = await carol.SendAsync(HttpMethod.Get, "/api/audit");
        report.Check("carol (member) reading the audit log is 403", carolAudit.StatusCode == HttpStatusCode.Forbidden, $"{(int)carolAudit.StatusCode}");
    }

    private static async Task RefreshAsync(DemoReport report, HttpClient http, DemoClient alice)
    {
        report.Section("Refresh tokens: rotation, reuse detection, logout");
        var first = alice.RefreshToken;
        var (rotated, rotatedBody) = await alice.SendAsync(HttpMethod.Post, "/auth/refresh", new { refreshToken = first });
        var second = (string?)rotatedBody?["refreshToken"];
        report.Check("refreshing rotates the refresh token", rotated.IsSuccessStatusCode && second is not null && second != first, $"{(int)rotated.StatusCode}");

        var (reused, _) = await alice.SendAsync(HttpMethod.Post, "/auth/refresh", new { refreshToken = first });
        var (afterReuse, _) = await alice.SendAsync(HttpMethod.Post, "/auth/refresh", new { refreshToken = second });
        report.Check("reusing a used refresh token is 401 and revokes its family", reused.StatusCode == HttpStatusCode.Unauthorized && afterReuse.StatusCode == HttpStatusCode.Unauthorized,
            $"reuse {(int)reused.StatusCode}, then the newer token {(int)afterReuse.StatusCode}");

        var login = await alice.LoginAsync(Password);
        var (logout, _) = await alice.SendAsync(HttpMethod.Post, "/auth/logout", new { refreshToken = alice.RefreshToken });
        var (afterLogout, _) = await alice.SendAsync(HttpMethod.Post, "/auth/refresh", new { refreshToken = alice.RefreshToken });
        report.Check("logout, then refresh, is 401", login.IsSuccessStatusCode && logout.StatusCode == HttpStatusCode.NoContent && afterLogout.StatusCode == HttpStatusCode.Unauthorized,
            $"logout {(int)logout.StatusCode}, refresh {(int)afterLogout.StatusCode}");

        var (discovery, discoveryBody) = await new DemoClient(http, "anonymous").SendAsync(HttpMethod.Get, "/.well-known/openid-configuration");
        report.Check("discovery names the issuer and its JWKS", discovery.IsSuccessStatusCode && discoveryBody?["jwks_uri"] is not null,
            $"issuer {discoveryBody?["issuer"]}, jwks_uri {discoveryBody?["jwks_uri"]}");
    }

    private static async Task JobsAsync(DemoReport report, DemoTraces traces, DemoClient alice, DemoClient bob)
    {
        report.Section("Durable jobs: a reminder enqueued by a request runs as its tenant and actor (A is on pro now)");
        var (_, request) = await alice.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Renew the office lease" });
        var requestId = (string)request!["id"]!;
        HttpResponseMessage remind;
        JsonNode? remindBody;
        ActivityTraceId traceId;
        using (var client = DemoTraces.StartClientSpan("demo remind"))
        {
            traceId = client.TraceId;
            (remind, remindBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestId}/remind", traceparent: client.Id);
        }

        var jobId = (string?)remindBody?["jobId"];
        report.Check("alice asks for a reminder: 202 with a job id", remind.StatusCode == HttpStatusCode.Accepted && jobId is not null,
            $"{(int)remind.StatusCode}, job {jobId}");

        string? state = null;
        for (var i = 0; i < 100 && state is not ("succeeded" or "dead"); i++)
        {
            await Task.Delay(100);
            var (_, job) = await alice.SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}");
            state = (string?)job?["state"];
        }

        report.Check("a worker ran the job", state == "succeeded", $"state {state}");

        // One trace: the request's span, the enqueue span under it, and the run's span under the enqueue.
        var spans = traces.Of(traceId);
        var route = spans.FirstOrDefault(s => s.OperationName == "requests.remind");
        var enqueue = spans.FirstOrDefault(s => s.OperationName == "job enqueue requests.reminder");
        var run = spans.FirstOrDefault(s => s.OperationName == "job requests.reminder" && s.GetTagItem("kernel.job.id")?.ToString() == jobId);
        report.Check("one trace links the request, the enqueue and the job run",
            route is not null && enqueue?.ParentSpanId == route.SpanId && run?.ParentSpanId == enqueue.SpanId
            && (string?)run.GetTagItem("kernel.tenant_id") == alice.Tenant.ToString(),
            $"trace {traceId}: {route?.OperationName} {route?.SpanId} > {enqueue?.OperationName} {enqueue?.SpanId} > {run?.OperationName} {run?.SpanId}");
        var (_, reminders) = await alice.SendAsync(HttpMethod.Get, $"/api/requests/{requestId}/reminders");
        var first = reminders?.AsArray().FirstOrDefault();
        var aliceId = alice.UserId.ToString();
        report.Check("the reminder was recorded in tenant A, as alice", (string?)first?["remindedBy"] == aliceId && (string?)first?["id"] == jobId,
            $"{reminders?.AsArray().Count ?? 0} reminder(s), remindedBy {first?["remindedBy"]}");

        var (_, auditBody) = await alice.SendAsync(HttpMethod.Get, "/api/audit?limit=50");
        var entry = auditBody?["items"]?.AsArray().FirstOrDefault(e => (string?)e!["action"] == "requests.reminder" && (string?)e["targetId"] == requestId);
        report.Check("the job wrote its audit entry as alice, on the request", (string?)entry?["actorId"] == aliceId && (string?)entry?["targetId"] == requestId,
            $"{entry?["actorId"]} {entry?["action"]} {entry?["targetType"]}/{entry?["targetId"]} {entry?["outcome"]}");

        var (crossJob, _) = await bob.SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}");
        report.Check("bob (tenant B) cannot see tenant A's job (404)", crossJob.StatusCode == HttpStatusCode.NotFound, $"{(int)crossJob.StatusCode}");
    }
}
