using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Kernel.Jobs;

/// <summary>
/// Ready when some worker ran <c>system.ping</c> recently. Stale is <em>degraded</em>, not unhealthy: web instances
/// stay in rotation when the workers are down, while the probe still says so.
/// </summary>
internal sealed class JobWorkerHealthCheck(JobStore store, IOptions<KernelJobsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var age = await store.HeartbeatAgeAsync(cancellationToken).ConfigureAwait(false);
            var stale = options.Value.HeartbeatStaleAfter;
            return age switch
            {
                null => HealthCheckResult.Degraded("No job worker heartbeat yet (system.ping runs every minute)."),
                { } a when a > stale => HealthCheckResult.Degraded($"The newest job worker heartbeat is {a.TotalSeconds:F0} s old (stale after {stale.TotalSeconds:F0} s)."),
                { } a => HealthCheckResult.Healthy($"A job worker ran system.ping {a.TotalSeconds:F0} s ago."),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The job worker heartbeat could not be read.", ex);
        }
    }
}
