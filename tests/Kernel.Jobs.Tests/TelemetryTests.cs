using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jobs.TestHost;
using Kernel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kernel.Jobs.Tests;

/// <summary>
/// The kernel's spans, instruments and job log scopes as a host's OpenTelemetry SDK receives them (in-memory
/// exporters). Listeners are process-wide, so this collection runs alone.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly CapturedLogs _logs = new();
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync(new JobsTestAddon());

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_request_its_enqueue_and_the_job_run_are_one_trace_with_the_enqueue_span_as_the_runs_parent()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        using var client = host.CreateClientAs(tenant, "alice", "member");
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobstest/effect");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Correlation-Id", "telemetry-1");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;
        var run = await SpanAsync(host, s => s.OperationName == "job jobstest.effect" && s.GetTagItem("kernel.job.id")?.ToString() == jobId);
        var route = Assert.Single(Spans(s => s.OperationName == "jobstest.effect" && s.TraceId == traceId));
        var enqueue = Assert.Single(Spans(s => s.OperationName == "job enqueue jobstest.effect" && s.TraceId == traceId));

        Assert.Equal((ActivityKind.Internal, ActivityKind.Producer, ActivityKind.Consumer), (route.Kind, enqueue.Kind, run.Kind));
        Assert.Equal(traceId, run.TraceId);
        Assert.Equal(route.SpanId, enqueue.ParentSpanId);
        Assert.Equal(enqueue.SpanId, run.ParentSpanId);
        foreach (var span in new[] { route, enqueue, run })
        {
            Assert.Equal(tenant.ToString(), span.GetTagItem("kernel.tenant_id"));
        }

        Assert.Equal(("alice", "telemetry-1", 202), (route.GetTagItem("enduser.id"), route.GetTagItem("kernel.correlation_id"), route.GetTagItem("http.response.status_code")));
        Assert.Equal(jobId, enqueue.GetTagItem("messaging.message.id"));
        Assert.Equal(("alice", "telemetry-1"), (run.GetTagItem("enduser.id"), run.GetTagItem("kernel.correlation_id")));
        Assert.Equal(ActivityStatusCode.Unset, run.Status);

        // The run's log lines carry the job's scope, with the trace the run continues.
        var succeeded = Assert.Single(_logs.Entries, e => e.EventId.Id == 4002 && (string?)e.Scope["JobId"] == jobId);
        Assert.Equal(
            ("jobstest.effect", tenant.ToString(), "alice", "telemetry-1", traceId.ToHexString()),
            (succeeded.Scope["Job"], succeeded.Scope["TenantId"], succeeded.Scope["ActorId"], succeeded.Scope["CorrelationId"], succeeded.Scope["TraceId"]));
    }

    [Theory]
    [InlineData("/api/jobstest/effect?fail=true", "member", HttpStatusCode.InternalServerError)]
    [InlineData("/api/jobstest/effect", "guest", HttpStatusCode.Forbidden)]
    public async Task A_failed_route_span_is_an_error_with_the_envelopes_code(string path, string role, HttpStatusCode status)
    {
        await using var host = Host();
        using var client = host.CreateClientAs(Guid.NewGuid(), "alice", role);
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        var code = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!;
        var route = await SpanAsync(host, s => s.OperationName == "jobstest.effect" && s.TraceId == traceId);
        Assert.Equal(ActivityStatusCode.Error, route.Status);
        Assert.Equal(code, route.StatusDescription);
        Assert.Equal(code, route.GetTagItem("error.type"));
        Assert.Equal((int)status, route.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task A_rate_limited_route_span_carries_RATE_LIMITED()
    {
        await using var host = Host(("Kernel:RateLimiting:Enabled", "true"), ("Kernel:RateLimiting:Default:ActorPermits", "1"), ("Kernel:RateLimiting:Default:Window", "01:00:00"));
        using var client = host.CreateClientAs(Guid.NewGuid(), "alice", "member");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/jobstest/probe", null)).StatusCode);
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobstest/probe");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var route = await SpanAsync(host, s => s.OperationName == "jobstest.probe" && s.TraceId == traceId);
        Assert.Equal((ActivityStatusCode.Error, "RATE_LIMITED", 429), (route.Status, route.GetTagItem("error.type"), route.GetTagItem("http.response.status_code")));
    }

    [Fact]
    public async Task Route_and_job_instruments_are_recorded_with_their_tags()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        using var client = host.CreateClientAs(tenant, "alice", "member");
        var effect = await client.PostAsync("/api/jobstest/effect", null);
        var effectId = Guid.Parse((string)(await effect.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!);
        var doomed = await Contexts.EnqueueAsAsync(host.Services, tenant, FlakyJob.Definition, new FlakyPayload(SucceedOnAttempt: 99));
        await Owner.WaitForAsync(_database, effectId, TimeSpan.FromSeconds(30), "succeeded");
        await Owner.WaitForAsync(_database, doomed, TimeSpan.FromSeconds(30), "dead");

        // A worker records an attempt's outcome and duration just after committing it: wait until the last ones are.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Collect(host);
        while (Sum("kernel.job.duration", ("kernel.job.type", "jobstest.flaky")) < 3
            || Sum("kernel.job.duration", ("kernel.job.type", "jobstest.effect")) < 1
            || Sum("kernel.job.outcomes", ("kernel.job.type", "jobstest.flaky"), ("kernel.job.outcome", "dead")) < 1
            || Sum("kernel.job.outcomes", ("kernel.job.type", "jobstest.effect"), ("kernel.job.outcome", "succeeded")) < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "The outcomes were never counted.");
            await Task.Delay(50);
            Collect(host);
        }

        Assert.True(Sum("kernel.route.duration", ("kernel.route", "jobstest.effect"), ("kernel.status_class", "2xx")) >= 1);
        Assert.Equal(1, Sum("kernel.job.enqueued", ("kernel.job.type", "jobstest.effect")));
        Assert.Equal(1, Sum("kernel.job.enqueued", ("kernel.job.type", "jobstest.flaky")));
        Assert.Equal(1, Sum("kernel.job.outcomes", ("kernel.job.type", "jobstest.effect"), ("kernel.job.outcome", "succeeded")));
        Assert.Equal(2, Sum("kernel.job.outcomes", ("kernel.job.type", "jobstest.flaky"), ("kernel.job.outcome", "failed")));
        Assert.Equal(1, Sum("kernel.job.outcomes", ("kernel.job.type", "jobstest.flaky"), ("kernel.job.outcome", "dead")));
        Assert.Equal(3, Sum("kernel.job.duration", ("kernel.job.type", "jobstest.flaky")));
        Assert.True(Sum("kernel.job.lag", ("kernel.job.type", "jobstest.effect")) >= 1);
        Assert.True(Sum("kernel.job.claim.size") >= 1);

        // A failed attempt is an Error log line (what an error tracker reports), in the job's scope.
        var failure = _logs.Entries.First(e => e.EventId.Id == 4003 && (string?)e.Scope["JobId"] == doomed.ToString());
        Assert.Equal((LogLevel.Error, "jobstest.flaky", tenant.ToString()), (failure.Level, failure.Scope["Job"], failure.Scope["TenantId"]));
        Assert.NotNull(failure.Exception);
    }

    [Fact]
    public async Task The_queue_gauges_report_depth_by_type_and_state_and_the_oldest_ready_jobs_age()
    {
        // No worker: the jobs stay where they are.
        await using var host = Host(("Kernel:Jobs:WorkerEnabled", "false"));
        _ = host.Server;
        var tenant = Guid.NewGuid();
        await Contexts.EnqueueAsAsync(host.Services, tenant, EffectJob.Definition, new EffectPayload(), new JobOptions { RunAt = DateTimeOffset.UtcNow.AddMinutes(-5) });
        await Contexts.EnqueueAsAsync(host.Services, tenant, EffectJob.Definition, new EffectPayload());
        await Contexts.EnqueueAsAsync(host.Services, tenant, EffectJob.Definition, new EffectPayload(), new JobOptions { RunAt = DateTimeOffset.UtcNow.AddHours(1) });
        await Contexts.EnqueueAsAsync(host.Services, tenant, FlakyJob.Definition, new FlakyPayload(1), new JobOptions { RunAt = DateTimeOffset.UtcNow.AddHours(1) });

        Collect(host);

        Assert.Equal(2, Gauge("kernel.job.queue.depth", ("kernel.job.type", "jobstest.effect"), ("kernel.job.state", "ready")));
        Assert.Equal(1, Gauge("kernel.job.queue.depth", ("kernel.job.type", "jobstest.effect"), ("kernel.job.state", "scheduled")));
        Assert.Equal(0, Gauge("kernel.job.queue.depth", ("kernel.job.type", "jobstest.effect"), ("kernel.job.state", "running")));
        Assert.Equal(1, Gauge("kernel.job.queue.depth", ("kernel.job.type", "jobstest.flaky"), ("kernel.job.state", "scheduled")));
        Assert.Equal(0, Gauge("kernel.job.queue.depth", ("kernel.job.type", "jobstest.flaky"), ("kernel.job.state", "ready")));
        Assert.InRange(Gauge("kernel.job.queue.oldest_ready_age", ("kernel.job.type", "jobstest.effect")), 290, 3600);
        Assert.Null(GaugeOrNull("kernel.job.queue.oldest_ready_age", ("kernel.job.type", "jobstest.flaky")));
    }

    private JobsHost Host(params (string Key, string Value)[] settings) => new(
        _database,
        settings.Append(("Logging:LogLevel:Kernel", "Debug")).ToDictionary(s => s.Item1, s => (string?)s.Item2),
        services =>
        {
            services.AddLogging(b => b.AddProvider(_logs));
            services.AddOpenTelemetry()
                .WithTracing(t => t.AddKernelInstrumentation().AddProcessor(new LockedList(_spans)))
                .WithMetrics(m => m.AddKernelInstrumentation().AddInMemoryExporter(_metrics));
        });

    private List<Activity> Spans(Func<Activity, bool> match)
    {
        lock (_spans)
        {
            return _spans.Where(match).ToList();
        }
    }

    private async Task<Activity> SpanAsync(JobsHost host, Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            host.Services.GetRequiredService<TracerProvider>().ForceFlush();
            if (Spans(match) is [var span, ..])
            {
                return span;
            }

            Assert.True(DateTime.UtcNow < deadline, "The span was not exported.");
            await Task.Delay(50);
        }
    }

    private void Collect(JobsHost host)
    {
        _metrics.Clear();
        Assert.True(host.Services.GetRequiredService<MeterProvider>().ForceFlush());
    }

    private IEnumerable<MetricPoint> Points(string name, (string Key, string Value)[] tags) =>
        _metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).Where(p =>
        {
            var actual = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in p.Tags)
            {
                actual[tag.Key] = tag.Value;
            }

            return tags.All(t => actual.TryGetValue(t.Key, out var v) && v?.ToString() == t.Value);
        });

    /// <summary>A counter's total, or a histogram's count, over the points with <paramref name="tags"/>.</summary>
    private long Sum(string name, params (string Key, string Value)[] tags)
    {
        var metric = Assert.Single(_metrics, m => m.Name == name);
        return Points(name, tags).Sum(p => metric.MetricType switch
        {
            MetricType.LongSum => p.GetSumLong(),
            MetricType.Histogram => p.GetHistogramCount(),
            _ => throw new InvalidOperationException($"{name} is a {metric.MetricType}."),
        });
    }

    private double Gauge(string name, params (string Key, string Value)[] tags) =>
        GaugeOrNull(name, tags) ?? throw new InvalidOperationException($"{name} has no point with those tags.");

    private double? GaugeOrNull(string name, params (string Key, string Value)[] tags)
    {
        var metric = Assert.Single(_metrics, m => m.Name == name);
        var points = Points(name, tags).ToList();
        return points is [var point]
            ? metric.MetricType == MetricType.LongGauge ? point.GetGaugeLastValueLong() : point.GetGaugeLastValueDouble()
            : points.Count == 0 ? null : throw new InvalidOperationException($"{name} has {points.Count} points with those tags.");
    }

    /// <summary>Keeps every ended span, under the lock <see cref="Spans"/> reads with (spans end on worker threads).</summary>
    private sealed class LockedList(List<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (spans)
            {
                spans.Add(data);
            }
        }
    }
}
