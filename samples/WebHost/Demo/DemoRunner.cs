using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace WebHost.Demo;

/// <summary>
/// The <c>demo</c> command: boots the host, exercises it over real HTTP as two tenants, prints a report, and
/// exits 0 only if every step held.
/// </summary>
internal static class DemoRunner
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        var report = new DemoReport(Console.Out);
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine($"Kernel demo: host listening on {address}");
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var alice = new DemoClient(http, Guid.NewGuid(), "alice@tenant-a", "admin");
            var bob = new DemoClient(http, Guid.NewGuid(), "bob@tenant-b", "admin");
            await RequestsAsync(report, alice, bob);
            await JobsAsync(report, alice, bob);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or NullReferenceException)
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

    private static async Task RequestsAsync(DemoReport report, DemoClient alice, DemoClient bob)
    {
        report.Section($"Two tenants: A={alice.Tenant}, B={bob.Tenant}");
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
    }

    private static async Task JobsAsync(DemoReport report, DemoClient alice, DemoClient bob)
    {
        report.Section("Durable jobs: a reminder enqueued by a request runs as its tenant and actor");
        var (_, request) = await alice.SendAsync(HttpMethod.Post, "/api/requests", new { title = "Renew the office lease" });
        var requestId = (string)request!["id"]!;
        var (remind, remindBody) = await alice.SendAsync(HttpMethod.Post, $"/api/requests/{requestId}/remind");
        var jobId = (string?)remindBody?["jobId"];
        report.Check("A asks for a reminder: 202 with a job id", remind.StatusCode == HttpStatusCode.Accepted && jobId is not null,
            $"{(int)remind.StatusCode}, job {jobId}");

        string? state = null;
        for (var i = 0; i < 100 && state is not ("succeeded" or "dead"); i++)
        {
            await Task.Delay(100);
            var (_, job) = await alice.SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}");
            state = (string?)job?["state"];
        }

        report.Check("the worker ran the job", state == "succeeded", $"state {state}");
        var (_, reminders) = await alice.SendAsync(HttpMethod.Get, $"/api/requests/{requestId}/reminders");
        var first = reminders?.AsArray().FirstOrDefault();
        report.Check("the reminder was recorded in A's tenant, as alice",
            (string?)first?["remindedBy"] == "alice@tenant-a" && (string?)first?["id"] == jobId,
            $"{reminders?.AsArray().Count ?? 0} reminder(s), remindedBy {first?["remindedBy"]}");

        var (crossJob, _) = await bob.SendAsync(HttpMethod.Get, $"/api/jobs/{jobId}");
        report.Check("B cannot see A's job (404)", crossJob.StatusCode == HttpStatusCode.NotFound, $"{(int)crossJob.StatusCode}");
    }
}
