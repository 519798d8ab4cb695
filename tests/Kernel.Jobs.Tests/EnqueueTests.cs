using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jobs.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs.Tests;

public sealed class EnqueueTests(JobsFixture fixture) : IClassFixture<JobsFixture>
{
    private readonly Guid _tenant = Guid.NewGuid();

    private IServiceProvider Services => fixture.Host.Services;

    [Fact]
    public async Task A_route_that_enqueues_then_throws_leaves_no_job()
    {
        using var client = fixture.Host.CreateClientAs(_tenant, "alice", "member");

        var response = await client.PostAsync("/api/jobstest/effect?fail=true", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.jobs where tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task A_route_that_commits_leaves_exactly_one_job()
    {
        using var client = fixture.Host.CreateClientAs(_tenant, "alice", "member");

        var response = await client.PostAsync("/api/jobstest/effect", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!);
        Assert.Equal(1L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.jobs where tenant_id = $1", _tenant));
        Assert.Equal(jobId, await Owner.ScalarAsync<Guid>(fixture.Database, "select id from kernel.jobs where tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task The_handler_sees_the_enqueuing_requests_tenant_actor_and_correlation_id_and_only_its_tenants_rows()
    {
        var other = Guid.NewGuid();
        await Contexts.EnqueueAsAsync(Services, other, EffectJob.Definition, new EffectPayload());
        await Contexts.EnqueueAsAsync(Services, other, EffectJob.Definition, new EffectPayload());
        var mine = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload());
        await Owner.WaitForAsync(fixture.Database, mine, TimeSpan.FromSeconds(10), "succeeded");
        using var client = fixture.Host.CreateClientAs(_tenant, "alice", "member", "auditor");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobstest/probe");
        request.Headers.Add("X-Correlation-Id", "corr-probe-1");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!);
        await Owner.WaitForAsync(fixture.Database, jobId, TimeSpan.FromSeconds(10), "succeeded");
        var seen = await fixture.Database.AsTenantAsync(_tenant, "test", async db =>
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "select context_tenant, actor_id, actor_roles, correlation_id, visible_effects, visible_tenants, tenant_id, trace_id from jobstest.observations where job_id = $1",
                (Npgsql.NpgsqlConnection)db.OpenDbConnection(),
                (Npgsql.NpgsqlTransaction)db.Transaction!);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobId });
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "The probe recorded nothing in its tenant.");
            return (Tenant: reader.GetGuid(0), Actor: reader.GetString(1), Roles: reader.GetString(2), Correlation: reader.GetString(3),
                Effects: reader.GetInt32(4), Tenants: reader.GetInt32(5), RowTenant: reader.GetGuid(6), Trace: reader.GetString(7));
        });
        Assert.Equal(_tenant, seen.Tenant);
        Assert.Equal(_tenant, seen.RowTenant);
        Assert.Equal("alice", seen.Actor);
        Assert.Equal("auditor,member", seen.Roles);
        Assert.Equal("corr-probe-1", seen.Correlation);
        Assert.Equal(1, seen.Effects); // Its own tenant's one effect; the other tenant's two are invisible.
        Assert.Equal(1, seen.Tenants);
        var traceparent = await Owner.ScalarAsync<string>(fixture.Database, "select traceparent from kernel.jobs where id = $1", jobId);
        Assert.Equal(traceparent.Split('-')[1], seen.Trace); // The job's span continues the request's trace.
    }

    [Fact]
    public async Task EnqueueMany_writes_one_job_per_payload_in_the_callers_tenant_and_they_all_run()
    {
        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        IReadOnlyList<Guid> ids;
        await using (var scope = Contexts.As(Services, _tenant, "bulk-actor", "member"))
        {
            ids = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueManyAsync(
                EffectJob.Definition, [new EffectPayload(1), new EffectPayload(2), new EffectPayload(3)], new JobOptions { RunAt = runAt, Priority = 7 });
            await scope.ServiceProvider.GetRequiredService<Kernel.Data.UnitOfWork>().CommitAsync(CancellationToken.None);
        }

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(3L, await Owner.ScalarAsync<long>(
            fixture.Database,
            "select count(*) from kernel.jobs where tenant_id = $1 and actor_id = 'bulk-actor' and priority = 7 and state = 'queued' and type = 'jobstest.effect'",
            _tenant));
        Assert.Equal(2, await Owner.ScalarAsync<int>(fixture.Database, "select (payload->>'delayMs')::int from kernel.jobs where id = $1", ids[1]));

        await Owner.ScalarAsync<long>(fixture.Database, "update kernel.jobs set run_at = now() where tenant_id = $1 returning 1::bigint", _tenant);
        foreach (var id in ids)
        {
            await Owner.WaitForAsync(fixture.Database, id, TimeSpan.FromSeconds(10), "succeeded");
        }
    }

    [Fact]
    public async Task EnqueueMany_in_a_unit_of_work_that_rolls_back_leaves_no_job()
    {
        await using (var scope = Contexts.As(Services, _tenant))
        {
            await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueManyAsync(EffectJob.Definition, [new EffectPayload(), new EffectPayload()]);
        }

        Assert.Equal(0L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.jobs where tenant_id = $1", _tenant));
    }

    [Fact]
    public async Task EnqueueMany_rejects_a_unique_key_and_writes_nothing_for_no_payloads()
    {
        await using var scope = Contexts.As(Services, _tenant);
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueManyAsync(EffectJob.Definition, [new EffectPayload()], new JobOptions { UniqueKey = "k" }));
        var none = await queue.EnqueueManyAsync(EffectJob.Definition, []);

        Assert.Contains("unique key", error.Message, StringComparison.Ordinal);
        Assert.Empty(none);
        Assert.False(scope.ServiceProvider.GetRequiredService<Kernel.Data.UnitOfWork>().IsOpen);
    }

    [Fact]
    public async Task EnqueueMany_of_a_tenant_job_with_no_tenant_in_context_is_rejected_with_TENANT_REQUIRED()
    {
        await using var scope = Services.CreateAsyncScope();

        var error = await Assert.ThrowsAsync<KernelException>(() =>
            scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueManyAsync(EffectJob.Definition, [new EffectPayload()]));

        Assert.Equal(KernelErrorCodes.TenantRequired, error.Code);
    }

    [Fact]
    public async Task A_tenant_job_with_no_tenant_in_context_is_rejected_with_TENANT_REQUIRED()
    {
        await using var scope = Services.CreateAsyncScope();
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();

        var error = await Assert.ThrowsAsync<KernelException>(() => queue.EnqueueAsync(EffectJob.Definition, new EffectPayload()));

        Assert.Equal(KernelErrorCodes.TenantRequired, error.Code);
        Assert.Contains("jobstest.effect", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_job_type_is_rejected()
    {
        await using var scope = Contexts.As(Services, _tenant);
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync("nobody.declares_this", new EffectPayload()));

        Assert.Contains("not declared by any addon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_over_256_KiB_is_rejected()
    {
        await using var scope = Contexts.As(Services, _tenant);
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(LooseJob.Definition, (object)new string('x', 300 * 1024)));

        Assert.Contains("256 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_that_is_not_JSON_serialisable_is_rejected()
    {
        await using var scope = Contexts.As(Services, _tenant);
        var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => queue.EnqueueAsync(LooseJob.Definition, (object)typeof(string)));

        Assert.Contains("not JSON-serialisable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_enqueue_with_the_same_unique_key_is_a_no_op_by_default()
    {
        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        var first = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(1), new JobOptions { UniqueKey = "k1", RunAt = runAt });

        var second = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(2), new JobOptions { UniqueKey = "k1" });

        Assert.Equal(first, second);
        Assert.Equal(1L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.jobs where tenant_id = $1 and unique_key = 'k1'", _tenant));
        Assert.Equal(1, await Owner.ScalarAsync<int>(fixture.Database, "select (payload->>'delayMs')::int from kernel.jobs where id = $1", first));
    }

    [Fact]
    public async Task ReplaceIfNotStarted_replaces_a_queued_job_but_not_a_finished_one()
    {
        var runAt = DateTimeOffset.UtcNow.AddHours(1);
        var first = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(1), new JobOptions { UniqueKey = "k2", RunAt = runAt });

        var replaced = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(2), new JobOptions { UniqueKey = "k2", UniqueMode = JobUniqueMode.ReplaceIfNotStarted });

        Assert.Equal(first, replaced);
        Assert.Equal(2, await Owner.ScalarAsync<int>(fixture.Database, "select (payload->>'delayMs')::int from kernel.jobs where id = $1", first));
        await Owner.WaitForAsync(fixture.Database, first, TimeSpan.FromSeconds(10), "succeeded"); // Replaced run_at was "now".

        var again = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(3), new JobOptions { UniqueKey = "k2", UniqueMode = JobUniqueMode.ReplaceIfNotStarted });

        Assert.Equal(first, again);
        Assert.Equal(2, await Owner.ScalarAsync<int>(fixture.Database, "select (payload->>'delayMs')::int from kernel.jobs where id = $1", first));
        Assert.Equal(1L, await Owner.ScalarAsync<long>(fixture.Database, "select count(*) from kernel.jobs where tenant_id = $1 and unique_key = 'k2'", _tenant));
    }

    [Fact]
    public async Task Unique_keys_are_per_tenant()
    {
        var other = Guid.NewGuid();
        var runAt = DateTimeOffset.UtcNow.AddHours(1);

        var mine = await Contexts.EnqueueAsAsync(Services, _tenant, EffectJob.Definition, new EffectPayload(), new JobOptions { UniqueKey = "shared", RunAt = runAt });
        var theirs = await Contexts.EnqueueAsAsync(Services, other, EffectJob.Definition, new EffectPayload(), new JobOptions { UniqueKey = "shared", RunAt = runAt });

        Assert.NotEqual(mine, theirs);
    }
}
