using System.Diagnostics;
using Kernel.LoadHarness.Http;
using Kernel.LoadHarness.Reporting;

namespace Kernel.LoadHarness.Build;

/// <summary>
/// What the analyzers cost a build: <c>samples/WebHost</c> recompiled (only it, <c>--no-incremental</c>) with the KRN
/// analyzers and without them (<c>-p:KernelAnalyzers=false</c>, see build/Kernel.Analyzers.props), alternating.
/// </summary>
internal static class BuildSuite
{
    public static async Task<IReadOnlyList<ResultTable>> RunAsync(HarnessSettings settings, CancellationToken cancellationToken)
    {
        var root = Repository.Root();
        var project = Path.Combine(root, "samples", "WebHost", "WebHost.csproj");
        Console.Error.WriteLine("[build] warm-up build of samples/WebHost");
        await BuildAsync(project, ["-c", "Release"], cancellationToken);
        var times = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        for (var round = 0; round < settings.BuildRounds; round++)
        {
            foreach (var analyzers in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                string[] arguments = ["-c", "Release", "--no-restore", "--no-dependencies", "--no-incremental", $"-p:KernelAnalyzers={(analyzers ? "true" : "false")}"];
                var seconds = await BuildAsync(project, arguments, cancellationToken);
                Console.Error.WriteLine($"[build]   round {round + 1} {(analyzers ? "with" : "without")} analyzers: {seconds:0.00} s");
                times[analyzers].Add(seconds);
            }
        }

        var with = HttpSuite.Median(times[true]);
        var without = HttpSuite.Median(times[false]);
        return
        [
            new ResultTable("Analyzer build cost: samples/WebHost rebuilt alone", "build", "seconds (median)", "per round", "vs without")
                .Row("without KRN analyzers", ResultTable.Number(without, 2), ResultTable.PerRound(times[false], 2), ResultTable.Ratio(1))
                .Row("with KRN analyzers", ResultTable.Number(with, 2), ResultTable.PerRound(times[true], 2), ResultTable.Ratio(with / without))
                .Note("dotnet build samples/WebHost -c Release --no-restore --no-dependencies --no-incremental [-p:KernelAnalyzers=false], after a warm-up build; wall clock of the whole command."),
        ];
    }

    private static async Task<double> BuildAsync(string project, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "build", project, "-nologo", "-v:q" } };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet build did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        watch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build {string.Join(' ', arguments)} failed:\n{await output}{await errors}");
        }

        return watch.Elapsed.TotalSeconds;
    }
}
