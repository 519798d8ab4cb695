using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Data;

/// <summary>
/// The instance's one <c>LISTEN</c> connection, held outside the pool so it never starves requests: job wake-ups
/// (<c>kernel_jobs</c>, for the worker) and each <see cref="INotificationSubscriber"/>'s channel (<c>kernel_grants</c>
/// for the role-grant cache, <c>kernel_tenants</c> for the tenant cache; they subscribe from above, Data knows neither).
/// Reconnects after a failure (backing off exponentially), telling the caches to stop trusting themselves meanwhile. Being
/// the one connection that is always reading, it is the first to see the server go away: it then clears the runtime
/// pool, so requests after the outage get fresh connections instead of each finding a terminated one.
/// </summary>
internal sealed partial class KernelListener(
    IOptions<KernelOptions> options,
    KernelDataSource dataSource,
    IEnumerable<INotificationSubscriber> subscribers,
    TimeProvider time,
    ILogger<KernelListener> logger) : BackgroundService
{
    public const string JobsChannel = "kernel_jobs";

    /// <summary>The first reconnect delay; it doubles with every failure in a row, up to <see cref="MaxRetryDelay"/>.</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly INotificationSubscriber[] _subscribers = [.. subscribers];

    /// <summary>Raised when jobs may be runnable: a notification, or (re)connecting, since some may have been missed.</summary>
    public event Action? JobsAvailable;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var database = options.Value.Database;
        var settings = new NpgsqlConnectionStringBuilder(database.NotificationConnectionString ?? database.ConnectionString)
        {
            Pooling = false,
            Timeout = (int)database.Timeout.TotalSeconds,
        };
        settings.ApplicationName = $"{settings.ApplicationName ?? "kernel"} (listen)";
        if (settings.KeepAlive == 0)
        {
            // An idle LISTEN connection whose server vanished without closing it would wait forever; a keepalive
            // query notices within about this long.
            settings.KeepAlive = (int)MaxRetryDelay.TotalSeconds;
        }

        var connectionString = settings.ConnectionString;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                var listen = string.Join("; ", _subscribers.Select(s => s.Channel).Prepend(JobsChannel).Select(channel => $"listen {channel}"));
                await using (var command = new NpgsqlCommand(listen, connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                foreach (var subscriber in _subscribers)
                {
                    subscriber.Listening();
                }

                if (failures > 0)
                {
                    LogListening(logger, failures);
                    failures = 0;
                }

                JobsAvailable?.Invoke();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                NotListening();
                dataSource.DataSource.Clear();
                failures++;
                var delay = OutageBackoff.Delay(failures, FirstRetryDelay, MaxRetryDelay);
                LogListenFailed(logger, ex, failures, delay);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                NotListening();
            }
        }
    }

    private void NotListening()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.NotListening();
        }
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == JobsChannel)
        {
            JobsAvailable?.Invoke();
            return;
        }

        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Channel == channel)
            {
                subscriber.Notified(payload);
            }
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Listening for kernel notifications failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Listening for kernel notifications again after {Failures} failed attempt(s)")]
    private static partial void LogListening(ILogger logger, int failures);
}
