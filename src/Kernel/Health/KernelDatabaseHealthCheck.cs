using Kernel.Data;
using Kernel.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kernel.Health;

/// <summary>Ready when the database answers as the runtime role and no migration is pending or drifted.</summary>
internal sealed class KernelDatabaseHealthCheck(KernelDataSource dataSource, MigrationSet migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var pending = await MigrationRunner.PendingAsync(connection, migrations.All, cancellationToken).ConfigureAwait(false);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable; migrations current.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable or migrations drifted.", ex);
        }
    }
}
