// The load harness. One command starts a private PostgreSQL, the hosts (as child processes of this executable:
// "serve raw|kernel|fastendpoints"), wrk, the job queues (Graphile Worker as a Node.js child process: first
// `npm ci --prefix benchmarks/GraphileWorker`) and the builds, and prints Markdown tables:
//   dotnet run -c Release --project benchmarks/Kernel.LoadHarness                    # the full run (docs/performance.md)
//   dotnet run -c Release --project benchmarks/Kernel.LoadHarness -- --smoke         # seconds long; CI runs it
// Options: --suites http,jobs,build   --queues kernel,hangfire,graphile   --jobs N   --job-rounds N   --rounds N   --duration SECONDS   --out FILE   --fsync-off   --pg-stats (top statements per suite)
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Kernel.LoadHarness;
using Kernel.LoadHarness.Build;
using Kernel.LoadHarness.Hosting;
using Kernel.LoadHarness.Http;
using Kernel.LoadHarness.Jobs;
using Kernel.LoadHarness.Reporting;
using Kernel.Testing;
using Npgsql;

if (args is ["serve", var mode, ..])
{
    return await ServeCommand.RunAsync(mode);
}

var settings = args.Contains("--smoke") ? HarnessSettings.SmokeRun : new HarnessSettings();
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--suites":
            settings = settings with { Suites = args[++i].Split(',').ToHashSet(StringComparer.Ordinal) };
            break;
        case "--queues":
            settings = settings with { Queues = args[++i].Split(',').ToHashSet(StringComparer.Ordinal) };
            break;
        case "--jobs":
            settings = settings with { Jobs = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        case "--job-rounds":
            settings = settings with { JobRounds = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        case "--rounds":
            settings = settings with { Rounds = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        case "--duration":
            settings = settings with { Duration = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)) };
            break;
        case "--out":
            output = args[++i];
            break;
        case "--pg-stats":
            settings = settings with { PgStats = true };
            break;
        case "--fsync-off":
            settings = settings with { Durable = false };
            break;
        case "--smoke":
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'.");
            return 2;
    }
}

if (settings.Suites.Contains("http") && !File.Exists(Wrk.Path))
{
    await Console.Error.WriteLineAsync($"{Wrk.Path} is missing: apt-get install -y wrk");
    return 2;
}

if (settings.Suites.Contains("jobs") && settings.Queues.Contains("graphile") && GraphileBenchQueue.FindMissingPrerequisite() is { } missing)
{
    await Console.Error.WriteLineAsync(missing);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var started = Stopwatch.StartNew();
var tables = new List<ResultTable>();
string postgres;
var clusterOptions = new LocalPostgresOptions { Durable = settings.Durable };
if (settings.PgStats)
{
    PgStatements.Enable(clusterOptions);
}

await using (var cluster = await LocalPostgresCluster.StartAsync(clusterOptions, cancellation.Token))
{
    await using (var connection = new NpgsqlConnection(cluster.SuperuserConnectionString))
    {
        await connection.OpenAsync(cancellation.Token);
        await using var version = new NpgsqlCommand("select split_part(version(), ' on ', 1) || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')", connection);
        postgres = (string)(await version.ExecuteScalarAsync(cancellation.Token))!;
    }

    foreach (var (suite, run) in new (string, Func<LocalPostgresCluster, HarnessSettings, CancellationToken, Task<IReadOnlyList<ResultTable>>>)[] { ("http", HttpSuite.RunAsync), ("jobs", JobSuite.RunAsync) })
    {
        if (!settings.Suites.Contains(suite))
        {
            continue;
        }

        if (settings.PgStats)
        {
            await PgStatements.ResetAsync(cluster, cancellation.Token);
        }

        tables.AddRange(await run(cluster, settings, cancellation.Token));
        if (settings.PgStats)
        {
            tables.Add(await PgStatements.ReportAsync(cluster, suite, cancellation.Token));
        }
    }
}

if (settings.Suites.Contains("build"))
{
    tables.AddRange(await BuildSuite.RunAsync(settings, cancellation.Token));
}

var report = new System.Text.StringBuilder()
    .AppendLine(CultureInfo.InvariantCulture, $"## Load harness{(settings.Smoke ? " (smoke run: sizes and durations too small to mean anything)" : "")}")
    .AppendLine()
    .AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; command: `dotnet run -c Release --project benchmarks/Kernel.LoadHarness -- {string.Join(' ', args)}`")
    .AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}")
    .AppendLine(CultureInfo.InvariantCulture, $"- PostgreSQL: {postgres}; everything (database, hosts, wrk) on this one machine")
    .AppendLine(CultureInfo.InvariantCulture, $"- Wall time: {started.Elapsed.TotalMinutes:0.0} min")
    .AppendLine();
foreach (var table in tables)
{
    report.AppendLine(table.ToMarkdown());
}

Console.WriteLine(report);
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

return 0;
