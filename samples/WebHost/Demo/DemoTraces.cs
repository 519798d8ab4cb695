using System.Collections.Concurrent;
using System.Diagnostics;
using Kernel;

namespace WebHost.Demo;

/// <summary>
/// Keeps the kernel's finished spans while the demo runs (an in-process listener, demo only), so the demo can show
/// the one trace that links a request, the job it enqueued and the job's run.
/// </summary>
internal sealed class DemoTraces : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public DemoTraces()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KernelDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>A new W3C traceparent for a request the demo sends: its trace id is known before the request.</summary>
    public static (string Traceparent, ActivityTraceId TraceId) NewTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        return ($"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01", traceId);
    }

    /// <summary>The finished kernel spans of <paramref name="traceId"/>.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

    public void Dispose() => _listener.Dispose();
}
