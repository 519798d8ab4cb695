using Kernel.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Data;

/// <summary>
/// The instance's one <c>LISTEN</c> connection, held outside the pool so it never starves requests: job wake-ups
/// (<c>kernel_jobs</c>, for the worker) and role-grant changes (<c>kernel_grants</c>, for <see cref="RoleGrantCache"/>).
/// Reconnects after a failure, telling the cache to stop trusting itself meanwhile.
/// </summary>
internal sealed partial class KernelListener(
    IOptions<KernelOptions> options,
    RoleGrantCache grants,
    TimeProvider time,
    ILogger<KernelListener> logger) : BackgroundService
{
    public const string JobsChannel = "kernel_jobs";
    public const string GrantsChannel = "kernel_grants";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Raised when jobs may be runnable: a notification, or (re)connecting, since some may have been missed.</summary>
    public event Action? JobsAvailable;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var settings = new NpgsqlConnectionStringBuilder(options.Value.Database.ConnectionString) { Pooling = false };
                settings.ApplicationName = $"{settings.ApplicationName ?? "kernel"} (listen)";
                await using var connection = new NpgsqlConnection(settings.ConnectionString);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                await using (var command = new NpgsqlCommand($"listen {JobsChannel}; listen {GrantsChannel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                grants.Listening();
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
                grants.NotListening();
                LogListenFailed(logger, ex, RetryDelay);
                try
                {
                    await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                grants.NotListening();
            }
        }
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == GrantsChannel)
        {
            if (Guid.TryParse(payload, out var tenant))
            {
                grants.Evict(tenant);
            }
        }
        else if (channel == JobsChannel)
        {
            JobsAvailable?.Invoke();
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Listening for kernel notifications failed; retrying in {Delay}")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, TimeSpan delay);
}
