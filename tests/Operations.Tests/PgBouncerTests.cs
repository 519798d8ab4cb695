using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;

namespace Operations.Tests;

/// <summary>
/// The sample host with its runtime role behind PgBouncer in transaction mode (a server pool of 4 shared by every
/// tenant), the job LISTEN connection and the owner going direct: routes, RLS, audit and jobs behave as without it.
/// </summary>
public sealed class PgBouncerTests : IAsyncLifetime
{
    private LocalPostgresCluster _cluster = null!;
    private PgBouncer _bouncer = null!;
    private SampleHostProcess _host = null!;

    private string Superuser => Sql.Superuser(_cluster, _cluster.Database);

    public async Task InitializeAsync()
    {
        _cluster = await LocalPostgresCluster.StartAsync();
        _bouncer = await PgBouncer.StartAsync(_cluster.Port, _cluster.RuntimeConnectionString);
        _host = await SampleHostProcess.StartAsync(null, SampleHostProcess.Settings(
            _bouncer.Through(_cluster.RuntimeConnectionString),
            _cluster.OwnerConnectionString,
            ("Kernel:Database:NotificationConnectionString", _cluster.RuntimeConnectionString)));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _bouncer.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Tenants_sharing_the_poolers_server_connections_see_only_their_own_rows()
    {
        var tenants = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();

        // Concurrently, so transactions of different tenants interleave on the same four server connections.
        var created = await Task.WhenAll(tenants.Select(async tenant =>
        {
            using var client = _host.ClientAs(tenant, "member-" + tenant.ToString("N")[..6], "member");
            var ids = new List<string>();
            for (var i = 0; i < 15; i++)
            {
                ids.Add(await Api.CreateRequestAsync(client, $"Request {i}"));
                Assert.Equal(ids.Order(StringComparer.Ordinal), (await Api.ListRequestIdsAsync(client)).Order(StringComparer.Ordinal));
            }

            return (tenant, ids);
        }));

        using var stranger = _host.ClientAs(Guid.NewGuid(), "stranger", "admin");
        foreach (var (tenant, ids) in created)
        {
            using var client = _host.ClientAs(tenant, "reader", "member");
            Assert.Equal(ids.Order(StringComparer.Ordinal), (await Api.ListRequestIdsAsync(client)).Order(StringComparer.Ordinal));
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/requests/{ids[0]}")).StatusCode);
        }

        Assert.Empty(await Api.ListRequestIdsAsync(stranger));
        Assert.Contains("login attempt: db=" + _cluster.Database + " user=" + _cluster.RuntimeRole, _bouncer.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_entries_are_written_in_the_routes_transaction_with_the_actor_and_isolated_per_tenant()
    {
        var (mine, theirs) = (Guid.NewGuid(), Guid.NewGuid());
        using var alice = _host.ClientAs(mine, "alice", "admin");
        using var bob = _host.ClientAs(theirs, "bob", "admin");
        var id = await Api.CreateRequestAsync(alice, "Audited");
        await Api.CreateRequestAsync(bob, "Someone else's");

        var audit = await alice.GetFromJsonAsync<JsonObject>("/api/audit?limit=50");

        var entry = Assert.Single(audit!["items"]!.AsArray());
        Assert.Equal(("requests.create", "alice", id), ((string?)entry!["action"], (string?)entry["actorId"], (string?)entry["targetId"]));
    }

    [Fact]
    public async Task A_job_enqueued_in_a_route_is_woken_over_the_direct_listen_connection_and_runs_in_its_tenant()
    {
        var tenant = Guid.NewGuid();
        using var alice = _host.ClientAs(tenant, "alice", "member");
        var request = await Api.CreateRequestAsync(alice, "Remind me");

        var job = await Api.RemindAsync(alice, request);

        await Sql.WaitUntilAsync(
            async () => (await alice.GetFromJsonAsync<JsonObject>($"/api/jobs/{job}"))?["state"]?.GetValue<string>() == "succeeded",
            "the reminder job succeeded");
        var reminder = Assert.Single((await alice.GetFromJsonAsync<JsonArray>($"/api/requests/{request}/reminders"))!);
        Assert.Equal((job, "alice"), ((string?)reminder!["id"], (string?)reminder["remindedBy"]));
        Assert.Equal(tenant, await Sql.ScalarAsync<Guid>(Superuser, "select tenant_id from kernel.audit_log where action = 'requests.reminder' and target_id = $1", request));
    }
}
