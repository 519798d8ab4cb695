using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kernel;

/// <summary>
/// The names the kernel's telemetry is published under, for a host's OpenTelemetry SDK (or any
/// <see cref="System.Diagnostics.ActivityListener"/> and <see cref="System.Diagnostics.Metrics.MeterListener"/>).
/// Nothing is recorded or allocated for either until something listens. docs/observability.md lists every span,
/// attribute and instrument.
/// </summary>
public static class KernelDiagnostics
{
    /// <summary>The name of the kernel's <see cref="System.Diagnostics.ActivitySource"/>: route, job enqueue and job run spans.</summary>
    public const string ActivitySourceName = "Kernel";

    /// <summary>The name of the kernel's meters: route and job instruments and the queue gauges.</summary>
    public const string MeterName = "Kernel";

    /// <summary>Subscribes the tracer provider to the kernel's spans.</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddKernelInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(ActivitySourceName);
    }

    /// <summary>Subscribes the meter provider to the kernel's instruments.</summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    public static MeterProviderBuilder AddKernelInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MeterName);
    }
}
