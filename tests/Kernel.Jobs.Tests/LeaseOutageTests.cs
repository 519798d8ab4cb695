using Jobs.TestHost;
using Kernel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kernel.Jobs.Tests;

/// <summary>A job runs while its database goes away (a cluster of its own, so no other test loses its database).</summary>
public sealed class LeaseOutageTests
{
    private const int LeasesFailed = 4007;
    private const int LeasesRecovered = 4012;

    [Fact]
    public async Task While_the_database_is_down_extending_a_running_jobs_lease_warns_once_and_its_recovery_is_logged()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        await using var database = await KernelTestDatabase.CreateAsync(cluster, new JobsTestAddon());
        var logs = new CapturedLogs();
        await using var host = new JobsHost(
            database,
            new Dictionary<string, string?> { ["Kernel:Jobs:LeaseDuration"] = "00:00:03" }, // Extended every second.
            services => services.AddSingleton<ILoggerProvider>(logs));
        _ = host.Server;
        var job = await Contexts.EnqueueAsAsync(host.Services, Guid.NewGuid(), EffectJob.Definition, new EffectPayload(DelayMs: 20_000));
        await Owner.WaitForAsync(database, job, TimeSpan.FromSeconds(10), "running");

        await cluster.StopAsync();
        await WaitUntilAsync(() => Count(logs, LeasesFailed) > 0, "the first failed extension");
        await Task.Delay(TimeSpan.FromSeconds(4)); // Four more ticks fail.
        await cluster.ResumeAsync();
        await WaitUntilAsync(() => Count(logs, LeasesRecovered) > 0, "an extension after the outage");

        Assert.Equal(1, Count(logs, LeasesFailed));
        var recovered = Assert.Single(logs.Entries, e => e.EventId.Id == LeasesRecovered);
        Assert.True((int)recovered.Properties["Failures"]! >= 2, recovered.Message); // Several failed ticks, one warning.
    }

    private static int Count(CapturedLogs logs, int eventId) => logs.Entries.Count(e => e.EventId.Id == eventId);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
