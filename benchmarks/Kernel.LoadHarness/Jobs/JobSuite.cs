using Kernel.LoadHarness.Reporting;
using Kernel.Testing;

namespace Kernel.LoadHarness.Jobs;

/// <summary>Placeholder while the job suite is written.</summary>
internal static class JobSuite
{
    public static Task<IReadOnlyList<ResultTable>> RunAsync(LocalPostgresCluster cluster, HarnessSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ResultTable>>([]);
}
