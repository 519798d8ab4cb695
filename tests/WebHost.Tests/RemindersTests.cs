using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Addons.Requests;
using Kernel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace WebHost.Tests;

/// <summary>
/// The optional <c>requests-reminders</c> addon: its routes and jobs for tenants that have it on, refused for the others,
/// within the tenant's <see cref="ReminderSettings"/>.
/// </summary>
public sealed class RemindersTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    [Fact]
    public async Task Remind_returns_202_with_a_job_that_records_the_reminder_as_the_actor_that_asked()
    {
        var tenant = Guid.NewGuid();
        using var alice = ClientWithReminders(tenant, "alice", "member");
        var request = await CreateAsync(alice, "Fix the door");

        var response = await alice.PostAsync($"/api/requests/{request}/remind", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;
        Assert.Equal("succeeded", await WaitForStateAsync(alice, jobId));
        var reminders = await alice.GetFromJsonAsync<JsonArray>($"/api/requests/{request}/reminders");
        var reminder = Assert.Single(reminders!);
        Assert.Equal(jobId, (string?)reminder!["id"]);
        Assert.Equal("alice", (string?)reminder["remindedBy"]);
        using var admin = factory.CreateClientAs(tenant, "root", "admin");
        var audit = await admin.GetFromJsonAsync<JsonObject>("/api/audit?limit=50");
        var entry = Assert.Single(audit!["items"]!.AsArray(), e => (string?)e!["action"] == "requests.reminder");
        Assert.Equal("alice", (string?)entry!["actorId"]);
        Assert.Equal(("requests", request), ((string?)entry["targetType"], (string?)entry["targetId"]));
    }

    [Fact]
    public async Task Reminding_another_tenants_request_is_404_and_enqueues_nothing()
    {
        using var alice = ClientWithReminders(Guid.NewGuid(), "alice", "member");
        var bobTenant = Guid.NewGuid();
        using var bob = ClientWithReminders(bobTenant, "bob", "admin");
        var request = await CreateAsync(alice, "Private");

        var response = await bob.PostAsync($"/api/requests/{request}/remind", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0L, await OwnerScalarAsync<long>("select count(*) from kernel.jobs where tenant_id = $1", bobTenant));
    }

    [Fact]
    public async Task The_daily_sweep_enqueues_one_reminder_per_overdue_open_request_in_every_tenant_with_reminders_once_per_day()
    {
        var (tenantA, tenantB, tenantC) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        using var a = ClientWithReminders(tenantA, "alice", "member");
        using var b = ClientWithReminders(tenantB, "bob", "member");
        using var c = factory.CreateClientAs(tenantC, "carol", "member"); // No plan, no reminders addon.
        var overdueA = await CreateAsync(a, "Overdue A", DateTimeOffset.UtcNow.AddDays(-1));
        var overdueB = await CreateAsync(b, "Overdue B", DateTimeOffset.UtcNow.AddDays(-2));
        var notDue = await CreateAsync(a, "Not due", DateTimeOffset.UtcNow.AddDays(3));
        await CreateAsync(c, "Overdue C, whose tenant has no reminders", DateTimeOffset.UtcNow.AddDays(-3));
        var slot = new JobSlot(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(12), TimeSpan.Zero)); // Noon: a minute later is the same day.

        await SweepAsync(slot);
        await SweepAsync(slot with { Slot = slot.Slot.AddMinutes(1) }); // Same day: no second reminder.

        var jobs = await OwnerScalarAsync<string>(
            "select string_agg(payload->>'requestId', ',' order by payload->>'requestId') from kernel.jobs where type = 'requests.reminder' and tenant_id in ($1, $2)",
            tenantA,
            tenantB);
        Assert.Equal(string.Join(',', new[] { overdueA, overdueB }.Order(StringComparer.Ordinal)), jobs);
        Assert.DoesNotContain(notDue, jobs, StringComparison.Ordinal);
        await WaitAsync(async () => (await a.GetFromJsonAsync<JsonArray>($"/api/requests/{overdueA}/reminders"))!.Count == 1);
        await WaitAsync(async () => (await b.GetFromJsonAsync<JsonArray>($"/api/requests/{overdueB}/reminders"))!.Count == 1);
        Assert.Equal("system", (string?)(await b.GetFromJsonAsync<JsonArray>($"/api/requests/{overdueB}/reminders"))![0]!["remindedBy"]);
        Assert.Equal(0L, await OwnerScalarAsync<long>("select count(*) from kernel.jobs where tenant_id = $1", tenantC));
    }

    [Fact]
    public async Task A_tenant_without_the_addon_is_refused_both_reminder_routes_with_403_ADDON_NOT_ENABLED_and_no_job()
    {
        var tenant = Guid.NewGuid();
        using var admin = factory.CreateClientAs(tenant, "root", "admin");
        var request = await CreateAsync(admin, "No reminders on this plan");

        var remind = await admin.PostAsync($"/api/requests/{request}/remind", null);
        var list = await admin.GetAsync($"/api/requests/{request}/reminders");

        await AssertEnvelopeAsync(remind, HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
        await AssertEnvelopeAsync(list, HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/requests/{request}")).StatusCode); // The requests addon is not optional.
        Assert.Equal(0L, await OwnerScalarAsync<long>("select count(*) from kernel.jobs where tenant_id = $1", tenant));
    }

    [Fact]
    public async Task Remind_is_409_once_the_request_has_the_tenants_max_per_request_and_a_tenant_admin_lowering_it_takes_effect()
    {
        var tenant = Guid.NewGuid();
        using var admin = ClientWithReminders(tenant, "root", "admin");
        var request = await CreateAsync(admin, "Remind me twice at most");
        var settings = await admin.GetAsync("/api/settings/requests-reminders");
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
        Assert.Equal(new ReminderSettings().MaxPerRequest, (int)(await settings.Content.ReadFromJsonAsync<JsonObject>())!["settings"]!["maxPerRequest"]!);

        using var change = new HttpRequestMessage(HttpMethod.Put, "/api/settings/requests-reminders") { Content = JsonContent.Create(new { maxPerRequest = 1 }) };
        change.Headers.IfMatch.Add(settings.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(change)).StatusCode);
        var first = await admin.PostAsync($"/api/requests/{request}/remind", null);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("succeeded", await WaitForStateAsync(admin, (string)(await first.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!));

        var second = await admin.PostAsync($"/api/requests/{request}/remind", null);

        await AssertEnvelopeAsync(second, HttpStatusCode.Conflict, KernelErrorCodes.Conflict);
        Assert.Single((await admin.GetFromJsonAsync<JsonArray>($"/api/requests/{request}/reminders"))!);
    }

    [Fact]
    public async Task A_tenant_admin_cannot_set_the_plan_only_daily_limit()
    {
        using var admin = ClientWithReminders(Guid.NewGuid(), "root", "admin");

        var response = await admin.PutAsJsonAsync("/api/settings/requests-reminders", new { dailyLimit = 100_000 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(KernelErrorCodes.ValidationFailed, (string?)body["code"]);
        Assert.Contains("dailyLimit", body["errors"]!.AsObject().Select(e => e.Key));
    }

    /// <summary>A client of <paramref name="tenant"/>, which has the optional reminders addon switched on.</summary>
    private HttpClient ClientWithReminders(Guid tenant, string actor, params string[] roles)
    {
        var client = factory.CreateClientAs(tenant, actor, roles);
        factory.Database.EnableAddon(tenant, RemindersAddon.Name);
        return client;
    }

    private static async Task AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, (string?)JsonNode.Parse(body)!["code"]);
    }

    private async Task SweepAsync(JobSlot slot)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync("requests.reminder_sweep", slot, new JobOptions { UniqueKey = Guid.NewGuid().ToString() });
        await WaitAsync(async () => await OwnerScalarAsync<string>("select state from kernel.jobs where id = $1", id) == "succeeded");
    }

    private static async Task<string> CreateAsync(HttpClient client, string title, DateTimeOffset? dueAt = null)
    {
        var response = await client.PostAsJsonAsync("/api/requests", new { title, dueAt });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    private static async Task<string?> WaitForStateAsync(HttpClient client, string jobId)
    {
        string? state = null;
        await WaitAsync(async () =>
        {
            state = (string?)(await client.GetFromJsonAsync<JsonObject>($"/api/jobs/{jobId}"))!["state"];
            return state is "succeeded" or "dead";
        });
        return state;
    }

    private async Task<T> OwnerScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(factory.Database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(100);
        }
    }
}
