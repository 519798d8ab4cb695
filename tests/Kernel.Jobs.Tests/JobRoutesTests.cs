using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jobs.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kernel.Jobs.Tests;

public sealed class JobRoutesTests(JobsFixture fixture) : IClassFixture<JobsFixture>
{
    private readonly Guid _tenant = Guid.NewGuid();

    private IServiceProvider Services => fixture.Host.Services;

    [Fact]
    public async Task A_job_is_visible_to_its_tenant_with_its_state_and_404_to_another_tenant()
    {
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload());
        await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");
        using var mine = fixture.Host.CreateClientAs(_tenant, "alice", "member");
        using var theirs = fixture.Host.CreateClientAs(Guid.NewGuid(), "bob", "admin");

        var response = await mine.GetAsync($"/api/jobs/{id}");
        var other = await theirs.GetAsync($"/api/jobs/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(id.ToString(), (string?)job!["id"]);
        Assert.Equal("jobstest.effect", (string?)job["type"]);
        Assert.Equal("succeeded", (string?)job["state"]);
        Assert.Equal(1, (int?)job["attempts"]);
        Assert.NotNull(job["runAt"]);
        Assert.True(job.ContainsKey("lastError"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("NOT_FOUND", (string?)(await other.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    [Fact]
    public async Task System_jobs_are_invisible_to_every_tenant()
    {
        await using var scope = Services.CreateAsyncScope();
        var id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync(ExecJob.Definition, new ExecPayload());
        using var client = fixture.Host.CreateClientAs(_tenant, "alice", "admin");

        var response = await client.GetAsync($"/api/jobs/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Dead_jobs_are_listed_and_retried_by_jobs_manage_only()
    {
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, FlakyJob.Definition, new FlakyPayload(SucceedOnAttempt: 4));
        await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(15), "dead");
        using var admin = fixture.Host.CreateClientAs(_tenant, "root", "admin");
        using var member = fixture.Host.CreateClientAs(_tenant, "alice", "member");

        var forbidden = await member.GetAsync("/api/jobs?state=dead");
        var list = await admin.GetFromJsonAsync<JsonArray>("/api/jobs?state=dead");
        var retry = await admin.PostAsync($"/api/jobs/{id}/retry", null);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal([id.ToString()], list!.Select(j => (string?)j!["id"]));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        // A fresh set of 3 attempts: the 4th try overall succeeds on its first attempt after the retry.
        var job = await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(15), "succeeded", "dead");
        Assert.Equal("dead", job.State); // attempts restart at 1, so the handler (which wants attempt 4) fails again.
        var again = await admin.PostAsync($"/api/jobs/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task Retrying_a_job_that_is_not_dead_is_409_and_another_tenants_is_404()
    {
        var id = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload());
        await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");
        using var admin = fixture.Host.CreateClientAs(_tenant, "root", "admin");
        using var stranger = fixture.Host.CreateClientAs(Guid.NewGuid(), "root", "admin");

        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/jobs/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/jobs/{id}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task Readiness_reads_the_heartbeat_system_ping_writes()
    {
        var health = Services.GetRequiredService<HealthCheckService>();
        await Owner.ExecuteAsync(fixture.Database, "delete from kernel.worker_heartbeats");
        var before = await health.CheckHealthAsync(c => c.Name == "kernel.jobs");

        await using (var scope = Services.CreateAsyncScope())
        {
            var id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync("system.ping", new JobSlot(DateTimeOffset.UtcNow));
            await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");
        }

        var after = await health.CheckHealthAsync(c => c.Name == "kernel.jobs");
        await Owner.ExecuteAsync(fixture.Database, "update kernel.worker_heartbeats set beat_at = now() - interval '1 hour'");
        var stale = await health.CheckHealthAsync(c => c.Name == "kernel.jobs");

        Assert.Equal(HealthStatus.Degraded, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
    }
}
