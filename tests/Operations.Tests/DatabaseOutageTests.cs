using System.Net;
using System.Text.RegularExpressions;
using Kernel.Testing;

namespace Operations.Tests;

/// <summary>
/// PostgreSQL stops under a running sample host and comes back: routes answer 503 UNAVAILABLE within the configured
/// timeout, readiness fails, the job worker backs off with a few warnings, and afterwards everything works again
/// without a restart and every job committed before the outage runs, once.
/// </summary>
public sealed partial class DatabaseOutageTests
{
    private const int Jobs = 20;

    [Fact]
    public async Task With_the_database_down_routes_are_503_readiness_fails_and_all_recovers_when_it_returns() =>
        await OutageAsync(throughPgBouncer: false);

    [Fact]
    public async Task Behind_PgBouncer_the_configured_timeout_bounds_every_route_while_the_pooler_queues_and_all_recovers() =>
        await OutageAsync(throughPgBouncer: true);

    private static async Task OutageAsync(bool throughPgBouncer)
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        await using var bouncer = throughPgBouncer ? await PgBouncer.StartAsync(cluster.Port, cluster.RuntimeConnectionString) : null;
        var runtime = bouncer?.Through(cluster.RuntimeConnectionString) ?? cluster.RuntimeConnectionString;
        await using var host = await SampleHostProcess.StartAsync(null, SampleHostProcess.Settings(
            runtime,
            cluster.OwnerConnectionString,
            ("Kernel:Database:NotificationConnectionString", cluster.RuntimeConnectionString),
            ("Kernel:Database:Timeout", "00:00:03"),
            ("Kernel:Jobs:LeaseDuration", "00:00:05")));
        using var alice = host.ClientAs(Guid.NewGuid(), "alice", "member");
        using var probe = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };

        // Committed work: requests, and reminder jobs (some still queued when the database goes).
        var jobs = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            jobs.Add(await Api.RemindAsync(alice, await Api.CreateRequestAsync(alice, $"Before the outage {i}")));
        }

        // Registered while the database is up; during the outage its requests reach the database from the registry lookup on.
        using var impatient = host.ClientAs(Guid.NewGuid(), "bob", "member");
        impatient.Timeout = TimeSpan.FromSeconds(12);
        await cluster.StopAsync();

        // Every route answers, in the envelope. Behind PgBouncer the pooler accepts and queues (its own
        // query_wait_timeout is 120 s), and Npgsql's own defaults are 15 s to connect and 30 s per command: the
        // client's 12 s only suffice because the kernel's 3 s timeout answers first.
        await Api.AssertEnvelopeAsync(await impatient.GetAsync("/api/requests"), HttpStatusCode.ServiceUnavailable, "UNAVAILABLE");
        await Api.AssertEnvelopeAsync(await impatient.GetAsync($"/api/requests/{Guid.NewGuid()}"), HttpStatusCode.ServiceUnavailable, "UNAVAILABLE");
        await Api.AssertEnvelopeAsync(
            await impatient.PostAsync("/api/requests", new StringContent("""{"title":"During"}""", System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.ServiceUnavailable,
            "UNAVAILABLE");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await probe.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);

        // Long enough for the worker to fail several claims in a row.
        await Task.Delay(TimeSpan.FromSeconds(8));
        var claimWarnings = ClaimFailed().Count(host.Output);
        await cluster.ResumeAsync();

        // Recovery without a restart: until the first success, every answer is a 503 in the envelope, never a 500.
        await Sql.WaitUntilAsync(
            async () =>
            {
                var response = await alice.GetAsync("/api/requests");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await Api.AssertEnvelopeAsync(response, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE");
                }

                return response.StatusCode == HttpStatusCode.OK;
            },
            "routes answer again");
        await Sql.WaitUntilAsync(async () => (await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, "readiness passes again");
        var after = await Api.RemindAsync(alice, await Api.CreateRequestAsync(alice, "After the outage"));
        jobs.Add(after);

        var superuser = Sql.Superuser(cluster, cluster.Database);

        // No committed job lost, none run twice: each succeeded and left exactly one reminder (keyed by the job id).
        var ids = jobs.Select(Guid.Parse).ToArray();
        await Sql.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where id = any($1) and state = 'succeeded'", ids) == ids.Length,
            "every job committed before and after the outage succeeded");
        Assert.Equal((long)ids.Length, await Sql.ScalarAsync<long>(superuser, "select count(*) from requests.reminders where id = any($1)", ids));

        Assert.False(host.HasExited);
        Assert.InRange(claimWarnings, 1, 10); // Exponential backoff: a handful of warnings, not one per poll.
        Assert.DoesNotContain("INTERNAL_ERROR", host.Output, StringComparison.Ordinal);

        // The outage logged plenty of connection failures; none carries a password.
        Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cluster.RuntimeConnectionString).Password!, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cluster.OwnerConnectionString).Password!, host.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\[4006\]")]
    private static partial Regex ClaimFailed();
}
