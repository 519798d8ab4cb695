using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kernel.Telemetry;

/// <summary>The kernel's ActivitySource and its static Meter (per-host instruments come from <see cref="IMeterFactory"/>).</summary>
internal static class KernelTelemetry
{
    private static readonly string? Version = typeof(KernelTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource ActivitySource = new(KernelDiagnostics.ActivitySourceName, Version);

    public static readonly Meter Meter = new(KernelDiagnostics.MeterName, Version);

    public static readonly Histogram<double> RouteDuration = Meter.CreateHistogram<double>(
        "kernel.route.duration", unit: "s", description: "Duration of kernel routes, by route name and status class (2xx, 4xx, 5xx).");

    /// <summary>The status class tag value of an HTTP status code, without allocating.</summary>
    public static string StatusClass(int status) => (status / 100) switch
    {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    };
}
