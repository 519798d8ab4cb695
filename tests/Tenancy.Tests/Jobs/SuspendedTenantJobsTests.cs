using System.Net;
using System.Net.Http.Json;
using Addons.Requests;
using Kernel.Testing;

namespace Tenancy.Tests.Jobs;

/// <summary>
/// A suspended tenant's jobs are held back, not failed: they stay queued, untouched, while the worker runs other
/// tenants' jobs, and run once the tenant is resumed.
/// </summary>
public sealed class SuspendedTenantJobsTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_suspended_tenants_job_stays_queued_while_other_tenants_jobs_run_and_runs_after_resume()
    {
        // A web-only instance enqueues; the worker instance starts only once the tenant is suspended, so nothing can
        // have claimed the job before.
        await using var web = new TenancyHost(_database, new Dictionary<string, string?> { ["Kernel:Jobs:WorkerEnabled"] = "false" });
        var (suspendedTenant, activeTenant) = (Guid.NewGuid(), Guid.NewGuid());
        using var suspendedMember = web.ClientAs(suspendedTenant, "alice", "member");
        using var activeMember = web.ClientAs(activeTenant, "bob", "member");
        _database.EnableAddon(suspendedTenant, RemindersAddon.Name);
        _database.EnableAddon(activeTenant, RemindersAddon.Name);
        using var op = web.OperatorClient();
        var heldRequest = await Http.CreateRequestAsync(suspendedMember, "reminded while suspended");
        var held = await RemindAsync(suspendedMember, heldRequest);
        await Http.ReadAsync(await op.PostAsJsonAsync($"/api/platform/tenants/{suspendedTenant}/suspend", new { reason = "jobs wait" }), HttpStatusCode.OK);

        await using var worker = new TenancyHost(_database);
        _ = worker.Server;

        // The held job is older, so due first: the worker claiming a later job of another tenant passed it over.
        var control = await RemindAsync(activeMember, await Http.CreateRequestAsync(activeMember, "an active tenant's reminder"));
        await WaitForStateAsync(control, "succeeded");
        Assert.Equal(("queued", 0), await Owner.JobAsync(_database, held));
        Assert.Equal(0L, await Owner.ScalarAsTenantAsync<long>(_database, suspendedTenant, "select count(*) from requests.reminders where id = $1", held));

        await Http.ReadAsync(await op.PostAsync($"/api/platform/tenants/{suspendedTenant}/resume", null), HttpStatusCode.OK);

        await WaitForStateAsync(held, "succeeded");
        Assert.Equal(("succeeded", 1), await Owner.JobAsync(_database, held));
        Assert.Equal(1L, await Owner.ScalarAsTenantAsync<long>(_database, suspendedTenant, "select count(*) from requests.reminders where id = $1 and request_id = $2", held, heldRequest));
    }

    private static async Task<Guid> RemindAsync(HttpClient client, Guid requestId)
    {
        var accepted = await Http.ReadAsync(await client.PostAsync($"/api/requests/{requestId}/remind", null), HttpStatusCode.Accepted);
        return Guid.Parse((string)accepted["jobId"]!);
    }

    private Task WaitForStateAsync(Guid job, string state) =>
        Eventually.HoldsAsync(
            async () =>
            {
                var (current, _) = await Owner.JobAsync(_database, job);
                Assert.True(current is "queued" or "running" or "succeeded", $"Job {job} is {current}.");
                return current == state;
            },
            TimeSpan.FromSeconds(60),
            $"job {job} is {state}");
}
