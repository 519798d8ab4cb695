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

    /// <summary>
    /// The demo's own client-side span, current while it sends a request: its id goes out as the request's
    /// traceparent, whether the demo sets the header itself or HttpClient's instrumentation (with the SDK on) injects
    /// a child of it.
    /// </summary>
    public static Activity StartClientSpan(string name)
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return activity.Start();
    }

    /// <summary>The finished kernel spans of <paramref name="traceId"/>.</summary>
    public IReadOnlyList<Activity> Of(ActivityTraceId traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

    public void Dispose() => _listener.Dispose();
}
