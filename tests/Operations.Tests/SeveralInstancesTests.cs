using Kernel.Testing;

namespace Operations.Tests;

/// <summary>Two web and two worker processes of the sample host on one database, as a scaled-out deployment runs.</summary>
public sealed class SeveralInstancesTests
{
    [Fact]
    public async Task Two_web_and_two_worker_instances_isolate_every_request_run_each_job_once_and_enqueue_one_job_per_slot()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        var superuser = Sql.Superuser(cluster, cluster.Database);

        // All four start at once and migrate the same empty database (under the kernel's advisory lock).
        var web = SampleHostProcess.Settings(cluster.RuntimeConnectionString, cluster.OwnerConnectionString, ("Kernel:Jobs:WorkerEnabled", "false"));
        var worker = SampleHostProcess.Settings(cluster.RuntimeConnectionString, cluster.OwnerConnectionString, ("Kernel:Jobs:Concurrency", "4"));
        var instances = await Task.WhenAll(
            SampleHostProcess.StartAsync(null, web),
            SampleHostProcess.StartAsync(null, web),
            SampleHostProcess.StartAsync("worker", worker),
            SampleHostProcess.StartAsync("worker", worker));
        await using var web1 = instances[0];
        await using var web2 = instances[1];
        await using var worker1 = instances[2];
        await using var worker2 = instances[3];
        var allUp = await Sql.ScalarAsync<DateTime>(superuser, "select now()");

        // Six tenants, each writing through both web instances at once and checking, after every write, that a list
        // through the other instance shows exactly its own requests.
        var tenants = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        var results = await Task.WhenAll(tenants.Select(async (tenant, t) =>
        {
            using var through1 = web1.ClientAs(tenant, $"actor-{t}", "member");
            using var through2 = web2.ClientAs(tenant, $"actor-{t}", "member");
            var ids = new List<string>();
            var jobs = new List<string>();
            for (var i = 0; i < 12; i++)
            {
                var (writer, reader) = i % 2 == 0 ? (through1, through2) : (through2, through1);
                var id = await Api.CreateRequestAsync(writer, $"Tenant {t} request {i}");
                ids.Add(id);
                jobs.Add(await Api.RemindAsync(writer, id));
                Assert.Equal(ids.Order(StringComparer.Ordinal), (await Api.ListRequestIdsAsync(reader)).Order(StringComparer.Ordinal));
            }

            return (Tenant: tenant, Jobs: jobs);
        }));

        // Every job ran once: succeeded on its first claim (a second, concurrent run would need a second claim, which
        // takes a lost lease), with one reminder in its own tenant.
        var ids = results.SelectMany(r => r.Jobs).Select(Guid.Parse).ToArray();
        await Sql.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where id = any($1) and state = 'succeeded'", ids) == ids.Length,
            "every reminder job succeeded");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where id = any($1) and attempts <> 1", ids));
        foreach (var (tenant, jobs) in results)
        {
            Assert.Equal((long)jobs.Count, await Sql.ScalarAsync<long>(superuser, "select count(*) from requests.reminders where tenant_id = $1 and id = any($2)", tenant, jobs.Select(Guid.Parse).ToArray()));
        }


        // Four schedulers tick every minute: wait for a slot that began after all four were up, then one job per slot.
        await Sql.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where type = 'system.ping' and created_at >= date_trunc('minute', $1::timestamptz) + interval '1 minute'", allUp) > 0,
            "a scheduler slot passed with all four instances up");
        Assert.Equal(0L, await Sql.ScalarAsync<long>(superuser, "select count(*) from (select unique_key from kernel.jobs where unique_key like 'slot:%' group by type, unique_key having count(*) > 1) duplicates"));
        Assert.All(instances, instance => Assert.False(instance.HasExited, instance.Output));
    }
}
