using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kernel.Telemetry;

/// <summary>The kernel's ActivitySource and Meter, both named after the package.</summary>
internal static class KernelTelemetry
{
    public const string Name = "Kernel";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(KernelTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(KernelTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Histogram<double> RouteDuration = Meter.CreateHistogram<double>(
        "kernel.route.duration", unit: "s", description: "Duration of kernel routes, by route name and status code.");
}
