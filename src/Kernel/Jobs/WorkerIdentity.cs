using System.Globalization;

namespace Kernel.Jobs;

/// <summary>This process's worker id: it holds the leases it claims and signs the heartbeats it writes.</summary>
internal sealed class WorkerIdentity
{
    public string Id { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
}
