using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Xunit.Abstractions;

namespace Operations.Tests;

/// <summary>
/// Two sample host processes on one database, each with its own registry and settings caches: an operator's addon
/// switch and a tenant admin's settings change made through one reach the other within the spec's two seconds
/// (NOTIFY on <c>kernel_tenants</c> and <c>kernel_settings</c>), measured as the suspension drill measures.
/// </summary>
public sealed class TenantAddonPropagationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Reminders = "requests-reminders";

    private static readonly TimeSpan PropagationDeadline = TimeSpan.FromSeconds(2);

    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task An_addon_switched_off_and_on_and_a_settings_change_through_one_instance_are_enforced_by_another_within_two_seconds()
    {
        var settings = SampleHostProcess.Settings(_database.RuntimeConnectionString, _database.OwnerConnectionString, ("Kernel:Jobs:SchedulerEnabled", "false"));
        var started = await Task.WhenAll(SampleHostProcess.StartAsync(null, settings), SampleHostProcess.StartAsync(null, settings));
        await using var a = started[0];
        await using var b = started[1];
        var tenant = Guid.NewGuid();
        using var adminOfA = a.ClientAs(tenant, "alice", "admin"); // Registers the tenant with the reminders on.
        using var adminOfB = b.UnregisteredClientAs(tenant, "alice", "admin");
        using var operatorOfA = new HttpClient { BaseAddress = a.Address, Timeout = TimeSpan.FromSeconds(60) };
        operatorOfA.DefaultRequestHeaders.Add("X-Dev-Actor", "op");
        operatorOfA.DefaultRequestHeaders.Add("X-Dev-Roles", "platform-operator");

        // Instance B serves the tenant's reminders, so its caches hold the tenant (addon on) and its settings.
        var request = await Api.CreateRequestAsync(adminOfA, "propagation drill");
        var first = await Api.RemindAsync(adminOfB, request);
        await Sql.WaitUntilAsync(async () => (string?)(await adminOfB.GetFromJsonAsync<JsonObject>($"/api/jobs/{first}"))!["state"] == "succeeded", "the first reminder ran");
        var before = await adminOfB.GetFromJsonAsync<JsonObject>($"/api/settings/{Reminders}");
        Assert.True((int?)before!["settings"]?["maxPerRequest"] > 1, $"The drill needs a limit above 1 to lower: {before}");

        // (a) The operator switches the reminders off through A: B refuses the tenant's remind call.
        var off = await operatorOfA.DeleteAsync($"/api/platform/tenants/{tenant}/addons/{Reminders}");
        var offAt = Stopwatch.StartNew();
        await AssertOkAsync(off, body => !Addons(body).Contains(Reminders));
        var (refused, offPropagation) = await PollAsync(() => adminOfB.PostAsync($"/api/requests/{request}/remind", null), HttpStatusCode.Forbidden, offAt);
        await Api.AssertEnvelopeAsync(refused, HttpStatusCode.Forbidden, "ADDON_NOT_ENABLED");
        Assert.True(offPropagation <= PropagationDeadline, $"Instance B served the switched-off addon for {offPropagation.TotalMilliseconds:F0} ms after the switch (the deadline is {PropagationDeadline.TotalSeconds} s).");
        await Api.AssertEnvelopeAsync(await adminOfA.PostAsync($"/api/requests/{request}/remind", null), HttpStatusCode.Forbidden, "ADDON_NOT_ENABLED");

        // ... and back on through A: B accepts it again.
        var on = await operatorOfA.PutAsync($"/api/platform/tenants/{tenant}/addons/{Reminders}", null);
        var onAt = Stopwatch.StartNew();
        await AssertOkAsync(on, body => Addons(body).Contains(Reminders));
        var (accepted, onPropagation) = await PollAsync(() => adminOfB.PostAsync($"/api/requests/{request}/remind", null), HttpStatusCode.Accepted, onAt);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
        Assert.True(onPropagation <= PropagationDeadline, $"Instance B refused the switched-on addon for {onPropagation.TotalMilliseconds:F0} ms after the switch (the deadline is {PropagationDeadline.TotalSeconds} s).");
        var second = (string)(await accepted.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;
        await Sql.WaitUntilAsync(async () => (string?)(await adminOfB.GetFromJsonAsync<JsonObject>($"/api/jobs/{second}"))!["state"] == "succeeded", "the reminder after re-enabling ran");

        // (b) The tenant's admin lowers maxPerRequest to 1 through A (the request has reminders already): B refuses one more.
        var lowered = await adminOfA.PutAsJsonAsync($"/api/settings/{Reminders}", new { maxPerRequest = 1 });
        var loweredAt = Stopwatch.StartNew();
        await AssertOkAsync(lowered, body => (int?)body["settings"]?["maxPerRequest"] == 1);
        var (overLimit, lowerPropagation) = await PollAsync(() => adminOfB.PostAsync($"/api/requests/{request}/remind", null), HttpStatusCode.Conflict, loweredAt);
        var detail = await overLimit.Content.ReadAsStringAsync();
        await Api.AssertEnvelopeAsync(overLimit, HttpStatusCode.Conflict, "CONFLICT");
        Assert.Contains("at most 1 per request", detail, StringComparison.Ordinal);
        Assert.True(lowerPropagation <= PropagationDeadline, $"Instance B enforced the old maxPerRequest for {lowerPropagation.TotalMilliseconds:F0} ms after the change (the deadline is {PropagationDeadline.TotalSeconds} s).");

        // ... and raised to 50 through A: B accepts again.
        var raised = await adminOfA.PutAsJsonAsync($"/api/settings/{Reminders}", new { maxPerRequest = 50 });
        var raisedAt = Stopwatch.StartNew();
        await AssertOkAsync(raised, body => (int?)body["settings"]?["maxPerRequest"] == 50);
        var (again, raisePropagation) = await PollAsync(() => adminOfB.PostAsync($"/api/requests/{request}/remind", null), HttpStatusCode.Accepted, raisedAt);
        Assert.True(again.StatusCode == HttpStatusCode.Accepted, $"{(int)again.StatusCode}: {await again.Content.ReadAsStringAsync()}");
        Assert.True(raisePropagation <= PropagationDeadline, $"Instance B enforced maxPerRequest = 1 for {raisePropagation.TotalMilliseconds:F0} ms after it was raised (the deadline is {PropagationDeadline.TotalSeconds} s).");
        output.WriteLine($"Propagation to instance B: addon off {offPropagation.TotalMilliseconds:F0} ms, on {onPropagation.TotalMilliseconds:F0} ms, maxPerRequest lowered {lowerPropagation.TotalMilliseconds:F0} ms, raised {raisePropagation.TotalMilliseconds:F0} ms.");
        Assert.Equal(50, (int?)(await adminOfB.GetFromJsonAsync<JsonObject>($"/api/settings/{Reminders}"))!["settings"]?["maxPerRequest"]);
    }

    /// <summary>Sends until the answer is <paramref name="until"/> (or 30 s pass): the last answer and the time since <paramref name="since"/> started.</summary>
    private static async Task<(HttpResponseMessage Response, TimeSpan Elapsed)> PollAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode until, Stopwatch since)
    {
        HttpResponseMessage response;
        while ((response = await send()).StatusCode != until && since.Elapsed < TimeSpan.FromSeconds(30))
        {
            response.Dispose();
            await Task.Delay(50);
        }

        return (response, since.Elapsed);
    }

    private static async Task AssertOkAsync(HttpResponseMessage response, Func<JsonObject, bool> check)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text) is JsonObject body && check(body), text);
    }

    private static List<string?> Addons(JsonObject tenant) => tenant["addons"]!.AsArray().Select(n => (string?)n).ToList();
}
