using System.Diagnostics;
using System.Diagnostics.Metrics;
using Kernel.Telemetry;

namespace Kernel.Jobs;

/// <summary>The job instruments, on the kernel's meter, and the enqueue span.</summary>
internal static class JobTelemetry
{
    public static readonly Counter<long> Enqueued = KernelTelemetry.Meter.CreateCounter<long>(
        "kernel.job.enqueued", unit: "{job}", description: "Jobs written to the queue, by job type (inside a route they commit or roll back with it).");

    public static readonly Counter<long> Outcomes = KernelTelemetry.Meter.CreateCounter<long>(
        "kernel.job.outcomes", unit: "{job}", description: "Finished job attempts, by job type and outcome (succeeded, failed, dead, released, lease_lost).");

    public static readonly Histogram<double> Duration = KernelTelemetry.Meter.CreateHistogram<double>(
        "kernel.job.duration", unit: "s", description: "Duration of job attempts, by job type and outcome.");

    public static readonly Histogram<double> Lag = KernelTelemetry.Meter.CreateHistogram<double>(
        "kernel.job.lag", unit: "s", description: "Time from a job's run_at to its claim, by job type: how far the queue is behind.");

    public static readonly Histogram<int> ClaimSize = KernelTelemetry.Meter.CreateHistogram<int>(
        "kernel.job.claim.size", unit: "{job}", description: "Jobs per claim of a worker (0: a poll that found nothing due).");

    /// <summary>
    /// The producer span of an enqueue (<c>job enqueue {type}</c>), or null when nothing listens. The job's
    /// traceparent is taken from it, so the run's span is its child, in the trace of the request that enqueued.
    /// </summary>
    public static Activity? StartEnqueue(string type, Guid? tenantId, int count)
    {
        if (!KernelTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = KernelTelemetry.ActivitySource.StartActivity("job enqueue " + type, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kernel");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", type);
            activity.SetTag("kernel.job.type", type);
            activity.SetTag("kernel.tenant_id", tenantId?.ToString());
            if (count != 1)
            {
                activity.SetTag("messaging.batch.message_count", count);
            }
        }

        return activity;
    }

    /// <summary>Counts <paramref name="count"/> jobs of <paramref name="type"/> written to the queue.</summary>
    public static void CountEnqueued(string type, int count)
    {
        if (Enqueued.Enabled)
        {
            Enqueued.Add(count, new KeyValuePair<string, object?>("kernel.job.type", type));
        }
    }
}
