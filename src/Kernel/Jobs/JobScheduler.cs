using System.Globalization;
using Coravel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kernel.Jobs;

/// <summary>
/// Coravel's scheduler as the clock: each recurring job's cron ticks on every instance, and each tick enqueues the
/// durable job with the slot as its unique key, so however many instances tick, one job exists per slot.
/// Coravel's own (in-memory) queue is never used.
/// </summary>
internal sealed partial class JobScheduler(
    IServiceProvider services,
    IServiceScopeFactory scopes,
    JobRegistry registry,
    IOptions<KernelJobsOptions> options,
    TimeProvider time,
    ILogger<JobScheduler> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var recurring = registry.All.Where(j => j.Cron is not null).ToList();
        if (!options.Value.SchedulerEnabled || recurring.Count == 0)
        {
            return Task.CompletedTask;
        }

        services.UseScheduler(scheduler =>
        {
            foreach (var job in recurring)
            {
                scheduler.ScheduleAsync(() => EnqueueSlotAsync(job, CancellationToken.None)).Cron(job.Cron!);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The slot of a tick: cron resolution is a minute, so the tick's minute (UTC) names its slot.</summary>
    internal static DateTimeOffset SlotOf(DateTimeOffset now) =>
        new(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);

    internal static string SlotKey(DateTimeOffset slot) =>
        "slot:" + slot.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    internal async Task EnqueueSlotAsync(JobDefinition job, CancellationToken cancellationToken)
    {
        var slot = SlotOf(time.GetUtcNow().ToUniversalTime());
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var queue = scope.ServiceProvider.GetRequiredService<IJobQueue>();
            await queue.EnqueueAsync(job.Name, new JobSlot(slot), new JobOptions { UniqueKey = SlotKey(slot) }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Another instance's tick most likely enqueued the slot; if not, the next slot comes in a minute.
            LogEnqueueFailed(logger, ex, job.Name, slot);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Enqueuing recurring job {Type} for slot {Slot} failed")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, string type, DateTimeOffset slot);
}
