using System.Diagnostics.Metrics;
using Kernel.Telemetry;

namespace Kernel.Jobs;

/// <summary>The job instruments, on the kernel's meter.</summary>
internal static class JobTelemetry
{
    public static readonly Counter<long> Outcomes = KernelTelemetry.Meter.CreateCounter<long>(
        "kernel.job.outcomes", description: "Finished job attempts, by job type and outcome (succeeded, failed, dead, released, lease_lost).");

    public static readonly Histogram<double> Duration = KernelTelemetry.Meter.CreateHistogram<double>(
        "kernel.job.duration", unit: "s", description: "Duration of job attempts, by job type and outcome.");

    public static readonly Histogram<double> Lag = KernelTelemetry.Meter.CreateHistogram<double>(
        "kernel.job.lag", unit: "s", description: "Time from a job's run_at to its claim, by job type: how far the queue is behind.");
}
