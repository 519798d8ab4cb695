using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;

namespace Operations.Tests;

/// <summary>
/// Two sample host processes on one database, each with its own registry cache: a suspension made through one reaches
/// the other within the spec's two seconds (NOTIFY on kernel_tenants), and a resumption brings both back.
/// </summary>
public sealed class TenantSuspensionTests : IAsyncLifetime
{
    private static readonly TimeSpan PropagationDeadline = TimeSpan.FromSeconds(2);

    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_suspension_through_one_instance_refuses_the_tenant_on_another_within_two_seconds_and_resuming_serves_it_on_both()
    {
        var settings = SampleHostProcess.Settings(_database.RuntimeConnectionString, _database.OwnerConnectionString, ("Kernel:Jobs:SchedulerEnabled", "false"));
        var started = await Task.WhenAll(SampleHostProcess.StartAsync(null, settings), SampleHostProcess.StartAsync(null, settings));
        await using var a = started[0];
        await using var b = started[1];
        var tenant = Guid.NewGuid();
        using var throughA = a.ClientAs(tenant, "alice", "member");
        using var throughB = b.UnregisteredClientAs(tenant, "alice", "member");
        using var operatorOfA = new HttpClient { BaseAddress = a.Address, Timeout = TimeSpan.FromSeconds(60) };
        operatorOfA.DefaultRequestHeaders.Add("X-Dev-Actor", "op");
        operatorOfA.DefaultRequestHeaders.Add("X-Dev-Roles", "platform-operator");

        // Both instances serve the tenant, so each has it in its cache as active.
        var onA = await Api.CreateRequestAsync(throughA, "through A");
        var onB = await Api.CreateRequestAsync(throughB, "through B");
        Assert.Contains(onA, await Api.ListRequestIdsAsync(throughB));
        Assert.Contains(onB, await Api.ListRequestIdsAsync(throughA));

        var suspend = await operatorOfA.PostAsJsonAsync($"/api/platform/tenants/{tenant}/suspend", new { reason = "propagation drill" });
        var suspendedAt = Stopwatch.StartNew();
        Assert.True(suspend.StatusCode == HttpStatusCode.OK, $"{(int)suspend.StatusCode}: {await suspend.Content.ReadAsStringAsync()}");
        Assert.Equal("suspended", (string?)(await suspend.Content.ReadFromJsonAsync<JsonObject>())!["status"]);

        HttpResponseMessage refused;
        while ((refused = await throughB.GetAsync("/api/requests?limit=1")).StatusCode == HttpStatusCode.OK && suspendedAt.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        var propagation = suspendedAt.Elapsed;
        await Api.AssertEnvelopeAsync(refused, HttpStatusCode.Forbidden, "TENANT_SUSPENDED");
        Assert.True(propagation <= PropagationDeadline, $"Instance B served the suspended tenant for {propagation.TotalMilliseconds:F0} ms after the suspension (the deadline is {PropagationDeadline.TotalSeconds} s).");
        await Api.AssertEnvelopeAsync(await throughA.GetAsync("/api/requests?limit=1"), HttpStatusCode.Forbidden, "TENANT_SUSPENDED");

        var resume = await operatorOfA.PostAsync($"/api/platform/tenants/{tenant}/resume", null);
        Assert.True(resume.StatusCode == HttpStatusCode.OK, $"{(int)resume.StatusCode}: {await resume.Content.ReadAsStringAsync()}");

        await Sql.WaitUntilAsync(async () => (await throughB.GetAsync("/api/requests?limit=1")).StatusCode == HttpStatusCode.OK, "instance B serves the resumed tenant");
        await Sql.WaitUntilAsync(async () => (await throughA.GetAsync("/api/requests?limit=1")).StatusCode == HttpStatusCode.OK, "instance A serves the resumed tenant");
        await Api.CreateRequestAsync(throughB, "through B after the resumption");
        await Api.CreateRequestAsync(throughA, "through A after the resumption");
    }
}
