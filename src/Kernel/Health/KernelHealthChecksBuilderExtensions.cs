using Kernel.Health;
using Kernel.Jobs;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the kernel's readiness checks.</summary>
public static class KernelHealthChecksBuilderExtensions
{
    /// <summary>The tag of readiness checks; map <c>/health/ready</c> with a predicate on it.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds <c>kernel.database</c> (the database answers and migrations are current) and <c>kernel.jobs</c> (a job
    /// worker wrote a heartbeat recently; degraded when stale). Both tagged <see cref="ReadyTag"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddKernelChecks(this IHealthChecksBuilder builder) =>
        builder.AddCheck<KernelDatabaseHealthCheck>("kernel.database", tags: [ReadyTag])
            .AddCheck<JobWorkerHealthCheck>("kernel.jobs", tags: [ReadyTag]);
}
