using Kernel;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sentry.Extensibility;

namespace WebHost.Telemetry;

/// <summary>
/// What leaves the process, chosen by configuration (docs/observability.md). The kernel only publishes spans,
/// instruments and log scopes; the host picks exporters:
/// <list type="bullet">
/// <item><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: traces, metrics and logs to that OTLP endpoint (the standard
/// <c>OTEL_*</c> variables apply: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, ...).</item>
/// <item><c>Telemetry:Console=true</c>: traces and metrics to the console exporter.</item>
/// <item><c>Telemetry:JsonLogs=true</c>: JSON console logs, one object per line, scopes included.</item>
/// <item><c>Sentry:Dsn</c> set: errors to that Sentry-protocol tracker (Sentry, GlitchTip).</item>
/// </list>
/// With none of them, no SDK is registered: nothing listens to the kernel's source or meter, which then costs nothing.
/// </summary>
internal static class SampleTelemetry
{
    private const string ServiceName = "kernel-sample-webhost";

    /// <summary>Request headers an error report never carries (credentials and session material).</summary>
    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Refresh-Token",
    };

    public static WebApplicationBuilder AddSampleTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (configuration.GetValue<bool>("Telemetry:JsonLogs"))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = configuration.GetValue<bool>("Telemetry:Console");
        if (otlp || console)
        {
            var telemetry = builder.Services.AddOpenTelemetry()
                .ConfigureResource(r =>
                {
                    if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                    {
                        r.AddService(ServiceName);
                    }
                })
                .WithTracing(t =>
                {
                    t.AddKernelInstrumentation().AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql();
                    if (console)
                    {
                        t.AddConsoleExporter();
                    }
                })
                .WithMetrics(m =>
                {
                    m.AddKernelInstrumentation().AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsqlInstrumentation();
                    if (console)
                    {
                        m.AddConsoleExporter();
                    }
                });
            if (otlp)
            {
                // Log records too (with their scopes: tenant, actor, correlation and trace ids), so a backend joins
                // a trace to its log lines.
                builder.Logging.AddOpenTelemetry(o =>
                {
                    o.IncludeScopes = true;
                    o.IncludeFormattedMessage = true;
                });
                telemetry.UseOtlpExporter();
            }
        }

        var dsn = configuration["Sentry:Dsn"];
        if (!string.IsNullOrWhiteSpace(dsn))
        {
            builder.WebHost.UseSentry(o =>
            {
                o.Dsn = dsn;
                o.Environment = builder.Environment.EnvironmentName;

                // Errors only: unexpected exceptions, which the kernel logs at Error (a route's 5xx, a job's failed
                // attempt or death) with the route's or job's log scope, whose ids become the event's tags. 4xx
                // envelopes are expected outcomes and are not logged as errors, so never reported. Tracing stays
                // with OpenTelemetry.
                o.MinimumEventLevel = LogLevel.Error;
                o.MinimumBreadcrumbLevel = LogLevel.Information;
                o.TracesSampleRate = null;
                o.AutoSessionTracking = false;

                // No request body, cookie, credential header or user IP in a report.
                o.SendDefaultPii = false;
                o.MaxRequestBodySize = RequestSize.None;
                o.SetBeforeSend(Scrub);
            });
        }

        return builder;
    }

    private static SentryEvent Scrub(SentryEvent report)
    {
        var request = report.Request;
        request.Data = null;
        request.Cookies = null;
        foreach (var header in request.Headers.Keys.Where(SecretHeaders.Contains).ToList())
        {
            request.Headers.Remove(header);
        }

        return report;
    }
}
