using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Npgsql;

namespace Operations.Tests.Telemetry;

/// <summary>
/// The sample host as its own process, exporting over real HTTP to backends the test stands up on loopback: spans to
/// an OTLP/HTTP collector (protobuf, decoded here), errors to a Sentry-protocol endpoint (envelopes, parsed here).
/// </summary>
public sealed class TelemetryWireTests : IAsyncLifetime
{
    private const string Password = "wire test password 9b3f";

    private KernelTestDatabase _database = null!;
    private LoopbackReceiver _backend = null!;

    public async Task InitializeAsync()
    {
        _database = await KernelTestDatabase.CreateAsync();
        _backend = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task The_host_exports_the_request_and_its_job_run_as_one_trace_and_reports_unexpected_failures_without_secrets()
    {
        // A web instance that only enqueues and a worker instance that runs the jobs, both exporting: the trace
        // must cross from one process to the other through the job row.
        (string, string)[] telemetry =
        [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", _backend.Address),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "500"),
            ("Sentry:Dsn", $"http://publickey@{new Uri(_backend.Address).Authority}/42"),
            ("Kernel:Jobs:PollInterval", "00:00:00.200"),
            ("Kernel:Jobs:RetryBaseDelay", "00:00:00.100"),
            ("Kernel:Jobs:RetryMaxDelay", "00:00:00.500"),
        ];
        await using var host = await SampleHostProcess.StartAsync(null, SampleHostProcess.Settings(
            _database.RuntimeConnectionString,
            _database.OwnerConnectionString,
            [.. telemetry, ("Kernel:Jobs:WorkerEnabled", "false")]));
        await using var worker = await SampleHostProcess.StartAsync("worker", SampleHostProcess.Settings(
            _database.RuntimeConnectionString,
            _database.OwnerConnectionString,
            telemetry));
        using var http = new HttpClient { BaseAddress = host.Address };

        // A real sign-up and login through the dev identity provider: the password and tokens are what must never leak.
        var email = $"wire-{Guid.NewGuid():N}@example.test";
        var signup = await http.PostAsJsonAsync("/auth/signup", new { email, password = Password, tenantName = "Wire" });
        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        var tenant = Guid.Parse((string)(await signup.Content.ReadFromJsonAsync<JsonObject>())!["tenantId"]!);
        host.EnableAddon(tenant, "requests-reminders"); // Signed up on the sample's free plan, which has no reminders.
        var login = (await (await http.PostAsJsonAsync("/auth/login", new { email, password = Password })).Content.ReadFromJsonAsync<JsonObject>())!;
        var (accessToken, refreshToken) = ((string)login["accessToken"]!, (string)login["refreshToken"]!);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // 1. A reminder: request -> enqueue -> job run, exported as one trace.
        var created = await http.PostAsJsonAsync("/api/requests", new { title = "Wire trace" });
        var requestId = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        var remind = await http.PostAsync($"/api/requests/{requestId}/remind", null);
        Assert.Equal(HttpStatusCode.Accepted, remind.StatusCode);
        var jobId = (string)(await remind.Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;

        var run = await WaitForSpanAsync(worker, s => s.Name == "job requests.reminder" && s.Attributes.GetValueOrDefault("kernel.job.id") == jobId);
        var spans = Spans();
        var enqueue = Assert.Single(spans, s => s.SpanId == run.ParentSpanId);
        var route = Assert.Single(spans, s => s.SpanId == enqueue.ParentSpanId);
        var server = Assert.Single(spans, s => s.SpanId == route.ParentSpanId);
        Assert.Equal(("job enqueue requests.reminder", "requests.remind"), (enqueue.Name, route.Name));
        Assert.All(new[] { enqueue, route, server }, s => Assert.Equal(run.TraceId, s.TraceId));
        Assert.Equal(("Kernel", "Microsoft.AspNetCore"), (route.Scope, server.Scope));
        Assert.Equal("202", server.Attributes["http.response.status_code"]);
        Assert.All(new[] { route, enqueue, run }, s => Assert.Equal(tenant.ToString(), s.Attributes["kernel.tenant_id"]));
        Assert.Equal(route.Resource["service.instance.id"], enqueue.Resource["service.instance.id"]);
        Assert.NotEqual(route.Resource["service.instance.id"], run.Resource["service.instance.id"]); // Ran in the worker process.
        Assert.Equal("kernel-sample-webhost", run.Resource["service.name"]);

        // 2. Expected failures are not reported: a 404 envelope.
        var missing = await SendAsync(http, HttpMethod.Get, $"/api/requests/{Guid.NewGuid()}", "wire-expected-404");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // 3. Unexpected ones are: a job whose insert fails (the remind route still reads the reminders, to count them),
        // then routes whose table is gone (a body with a marker).
        await OwnerExecuteAsync(
            """
            create function requests.reminders_broken() returns trigger language plpgsql as $$ begin raise exception 'reminders are broken'; end $$;
            create trigger reminders_broken before insert on requests.reminders for each row execute function requests.reminders_broken();
            """);
        var failingJob = (string)(await (await http.PostAsync($"/api/requests/{requestId}/remind", null)).Content.ReadFromJsonAsync<JsonObject>())!["jobId"]!;
        await OwnerExecuteAsync("alter table requests.requests rename to requests_gone");
        const string BodyMarker = "body-marker-5f1c0e";
        var failed = await SendAsync(http, HttpMethod.Post, "/api/requests", "wire-unexpected-500", JsonContent.Create(new { title = BodyMarker }));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        var routeEvent = await WaitForEventAsync(host, e => Tag(e, "CorrelationId") == "wire-unexpected-500");
        Assert.Equal(("requests.create", tenant.ToString()), (Tag(routeEvent, "Route"), Tag(routeEvent, "TenantId")));
        Assert.Matches("^[0-9a-f]{32}$", Tag(routeEvent, "TraceId"));
        var jobEvent = await WaitForEventAsync(worker, e => Tag(e, "JobId") == failingJob && Tag(e, "Job") == "requests.reminder");
        Assert.Equal(tenant.ToString(), Tag(jobEvent, "TenantId"));
        Assert.Matches("^[0-9a-f]{32}$", Tag(jobEvent, "TraceId"));
        Assert.NotNull(Tag(jobEvent, "CorrelationId"));

        Assert.Equal(0, await host.TerminateAsync()); // Exporters and the tracker flush on a graceful stop.
        Assert.Equal(0, await worker.TerminateAsync());
        var reports = SentryText();
        Assert.DoesNotContain("wire-expected-404", reports, StringComparison.Ordinal);
        foreach (var secret in new[] { accessToken, refreshToken, Password, BodyMarker })
        {
            Assert.DoesNotContain(secret, reports, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, host.Output + worker.Output, StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string correlationId, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Correlation-Id", correlationId);
        return await http.SendAsync(request);
    }

    private List<OtlpSpan> Spans() =>
        _backend.Requests.Where(r => r.Path == "/v1/traces").SelectMany(r => OtlpTraceDecoder.Decode(r.Body)).ToList();

    private Task<OtlpSpan> WaitForSpanAsync(SampleHostProcess host, Func<OtlpSpan, bool> match) =>
        WaitForAsync(host, () => Spans().FirstOrDefault(match), "The span never reached the collector.");

    /// <summary>Polls <paramref name="find"/> until it finds something; fails with the host's output after a minute.</summary>
    private static async Task<T> WaitForAsync<T>(SampleHostProcess host, Func<T?> find, string failure)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{failure} Host output:{Environment.NewLine}{host.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>The events of every Sentry envelope received: each envelope is a header line, then item header / payload pairs.</summary>
    private List<JsonObject> Events()
    {
        var events = new List<JsonObject>();
        foreach (var envelope in _backend.Requests.Where(r => r.Path.EndsWith("/envelope/", StringComparison.Ordinal)))
        {
            var lines = Encoding.UTF8.GetString(envelope.Body).Split('\n');
            for (var i = 1; i + 1 < lines.Length; i += 2)
            {
                if (JsonNode.Parse(lines[i]) is JsonObject { } header && (string?)header["type"] == "event")
                {
                    events.Add(JsonNode.Parse(lines[i + 1])!.AsObject());
                }
            }
        }

        return events;
    }

    private string SentryText() => string.Join('\n', _backend.Requests.Where(r => !r.Path.StartsWith("/v1/", StringComparison.Ordinal)).Select(r => Encoding.UTF8.GetString(r.Body)));

    private Task<JsonObject> WaitForEventAsync(SampleHostProcess host, Func<JsonObject, bool> match) =>
        WaitForAsync(host, () => Events().FirstOrDefault(match), "The error never reached the tracker.");

    private static string? Tag(JsonObject sentryEvent, string name) => (string?)sentryEvent["tags"]?[name];

    private async Task OwnerExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
