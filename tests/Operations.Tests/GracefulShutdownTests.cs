using System.Collections.Concurrent;
using System.Net;
using Kernel.Testing;
using Npgsql;

namespace Operations.Tests;

/// <summary>SIGTERM to a sample host process under load, as an orchestrator stops a pod.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task On_SIGTERM_under_load_in_flight_requests_complete_no_job_is_left_running_and_the_exit_code_is_0()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        var settings = SampleHostProcess.Settings(cluster.RuntimeConnectionString, cluster.OwnerConnectionString, ("Kernel:Jobs:Concurrency", "4"));
        await using var host = await SampleHostProcess.StartAsync(null, settings);
        var tenants = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var terminating = 0;
        var outcomes = new ConcurrentBag<(bool SentBeforeTerm, bool DoneAfterTerm, HttpStatusCode? Status)>();
        var accepted = new ConcurrentBag<string>();

        // Eight clients keep the host busy: create a request, ask for a reminder (a job), list.
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var client = host.ClientAs(tenants[i % tenants.Length], "loader", "member");
            string? lastRequest = null;
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var sentBefore = Volatile.Read(ref terminating) == 0;
                try
                {
                    using var response = (n % 3) switch
                    {
                        0 => await client.PostAsync("/api/requests", new StringContent($$"""{"title":"Load {{n}}"}""", System.Text.Encoding.UTF8, "application/json")),
                        1 when lastRequest is not null => await client.PostAsync($"/api/requests/{lastRequest}/remind", null),
                        _ => await client.GetAsync("/api/requests?limit=10"),
                    };
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        lastRequest = System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<string>();
                    }
                    else if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(System.Text.Json.Nodes.JsonNode.Parse(body)!["jobId"]!.GetValue<string>());
                    }

                    outcomes.Add((sentBefore, Volatile.Read(ref terminating) == 1, response.StatusCode));
                }
                catch (HttpRequestException)
                {
                    // Refused or closed before an answer: the host stopped accepting. Not an answer, so not counted.
                    outcomes.Add((sentBefore, true, null));
                    await Task.Delay(50);
                }
            }
        })).ToArray();

        await Sql.WaitUntilAsync(() => Task.FromResult(accepted.Count >= 20), "the load enqueued some jobs");
        Volatile.Write(ref terminating, 1);
        var exitCode = await host.TerminateAsync();
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{host.Output}");
        var answered = outcomes.Where(o => o.Status is not null).ToList();
        Assert.All(answered, o => Assert.True(o.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted, $"status {o.Status}"));
        Assert.Contains(answered, o => o.SentBeforeTerm && o.DoneAfterTerm); // In flight at SIGTERM, and completed.

        // The worker drained: nothing is left running under the stopped process's lease; what was not run is queued
        // and runs on the next instance, once.
        var superuser = Sql.Superuser(cluster, cluster.Database);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where state = 'running'"));
        await using var next = await SampleHostProcess.StartAsync("worker", settings);
        var ids = accepted.Select(Guid.Parse).ToArray();
        await Sql.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from kernel.jobs where id = any($1) and state = 'succeeded'", ids) == ids.Length,
            "every accepted job succeeded");
        Assert.Equal((long)ids.Length, await Sql.ScalarAsync<long>(superuser, "select count(*) from requests.reminders where id = any($1)", ids));
        Assert.DoesNotContain("INTERNAL_ERROR", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_starting_host_waits_for_another_instances_migrations_past_its_command_timeout_and_SIGTERM_then_exits_0()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        var owner = new NpgsqlConnectionStringBuilder(cluster.OwnerConnectionString) { CommandTimeout = 1 }.ConnectionString;
        var settings = SampleHostProcess.Settings(cluster.RuntimeConnectionString, owner);
        var superuser = Sql.Superuser(cluster, cluster.Database);

        // Another instance is migrating: it holds the migration lock (unpooled, so closing the connection releases it).
        await using var other = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superuser) { Pooling = false }.ConnectionString);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand("select pg_advisory_lock($1)", other) { Parameters = { new() { Value = MigrationLockKey } } })
        {
            await take.ExecuteNonQueryAsync();
        }

        // Stopped while it waits: a requested stop, exit code 0, not an unhandled exception.
        await using (var stopped = SampleHostProcess.Launch(null, settings))
        {
            await WaitUntilWaitingForTheLockAsync(superuser);
            var exitCode = await stopped.TerminateAsync();

            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{stopped.Output}");
            Assert.DoesNotContain("Unhandled exception", stopped.Output, StringComparison.Ordinal);
            Assert.Contains("Stopped while starting.", stopped.Output, StringComparison.Ordinal);
        }

        // Left to wait, it outlasts its one-second command timeout, and starts once the other instance is done.
        await using var waiting = SampleHostProcess.Launch(null, settings);
        await WaitUntilWaitingForTheLockAsync(superuser);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(waiting.HasExited, waiting.Output);
        await other.CloseAsync();

        await waiting.WaitUntilLiveAsync();
        using var http = new HttpClient { BaseAddress = waiting.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    /// <summary>The kernel's migration lock (MigrationRunner's advisory lock key, "KERNEL").</summary>
    private const long MigrationLockKey = 0x4B45524E454C;

    private static Task WaitUntilWaitingForTheLockAsync(string superuser) =>
        Sql.WaitUntilAsync(
            async () => await Sql.ScalarAsync<long>(superuser, "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%pg_advisory_lock%' and pid <> pg_backend_pid()") == 1,
            "a host waits for the migration lock");
}
