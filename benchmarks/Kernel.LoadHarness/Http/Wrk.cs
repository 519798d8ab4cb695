using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Kernel.LoadHarness.Http;

/// <summary>One wrk run (1 thread, <c>--latency</c>): requests/s and the latency percentiles; any non-2xx/3xx response or socket error fails it.</summary>
internal static partial class Wrk
{
    public const string Path = "/usr/bin/wrk";

    public static async Task<WrkResult> RunAsync(string url, string script, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-t1", $"-c{connections}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", "--timeout", "10s", "-s", script, url },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}) on {url}: {errors}{output}");
        }

        if (NonSuccess().Match(output) is { Success: true } bad)
        {
            throw new InvalidOperationException($"wrk saw {bad.Groups[1].Value} non-2xx/3xx responses on {url}; a benchmark of errors is worthless.\n{output}");
        }

        if (SocketErrors().Match(output) is { Success: true } socket)
        {
            throw new InvalidOperationException($"wrk saw socket errors on {url}: {socket.Value}\n{output}");
        }

        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        if (rps <= 0)
        {
            throw new InvalidOperationException($"wrk completed no requests on {url}.\n{output}{errors}");
        }

        return new WrkResult(rps, Percentile(output, "50"), Percentile(output, "99"));
    }

    private static double Percentile(string output, string percent)
    {
        var match = Regex.Match(output, $@"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"No {percent}% latency in wrk's output:\n{output}");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors:.*")]
    private static partial Regex SocketErrors();
}

/// <summary>One measurement: requests per second and latency percentiles in milliseconds.</summary>
internal sealed record WrkResult(double RequestsPerSecond, double P50, double P99);
