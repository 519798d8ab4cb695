namespace Kernel.LoadHarness.Bench;

/// <summary>
/// What the harness measures on the kernel beside the Requests addon: a trivial JSON route (the route wrapper's own
/// cost) and a no-op tenant job (the queue's own cost).
/// </summary>
internal sealed class BenchAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "bench",
        Version = "1.0.0",
        Summary = "Load-harness probes: a trivial route and a no-op job.",
        Jobs = [NoopJob.Definition],
    };

    public void MapRoutes(KernelRouteGroup routes) =>
        routes.MapGet("/bench/hello", "bench.hello", RouteAccess.Authenticated, static () => TypedResults.Ok(new Hello("hello, world")));
}

/// <summary>The trivial endpoint's body, the same in every host.</summary>
/// <param name="Message">A constant.</param>
public sealed record Hello(string Message);

/// <summary>The no-op job's payload: when it was enqueued (<see cref="System.Diagnostics.Stopwatch"/> ticks), for enqueue-to-start latency.</summary>
/// <param name="EnqueuedAt">The enqueuing process's timestamp.</param>
internal sealed record NoopPayload(long EnqueuedAt);

/// <summary>Does nothing but tell <see cref="JobProbe"/> it started.</summary>
internal sealed class NoopJob : IJobHandler<NoopPayload>
{
    public static readonly JobDefinition<NoopPayload> Definition = JobDefinition.ForTenant<NoopPayload, NoopJob>("bench.noop");

    public Task HandleAsync(NoopPayload payload, JobContext job, CancellationToken cancellationToken)
    {
        JobProbe.Started(payload.EnqueuedAt);
        return Task.CompletedTask;
    }
}

/// <summary>Counts job starts and records enqueue-to-start latencies, for whichever queue is being measured.</summary>
internal static class JobProbe
{
    private static long _started;
    private static Action<long, long>? _onStart;

    public static long Count => Interlocked.Read(ref _started);

    /// <summary>Resets the count and sets what to do with each start: its enqueue timestamp and its start timestamp (null: nothing).</summary>
    public static void Reset(Action<long, long>? onStart = null)
    {
        Interlocked.Exchange(ref _started, 0);
        _onStart = onStart;
    }

    /// <summary>A job of an in-process queue started now.</summary>
    public static void Started(long enqueuedAt) => Started(enqueuedAt, System.Diagnostics.Stopwatch.GetTimestamp());

    /// <summary>A job started at <paramref name="startedAt"/> (<see cref="System.Diagnostics.Stopwatch"/> ticks), as the process that ran it timed it.</summary>
    public static void Started(long enqueuedAt, long startedAt)
    {
        Interlocked.Increment(ref _started);
        _onStart?.Invoke(enqueuedAt, startedAt);
    }
}
