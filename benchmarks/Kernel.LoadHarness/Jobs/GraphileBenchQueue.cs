using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.LoadHarness.Jobs;

/// <summary>
/// Graphile Worker 0.16 (npm), the queue of the system the kernel grew from, on the same PostgreSQL: its runner in a
/// Node.js child process (<see cref="GraphileWorkerProcess"/>, <c>benchmarks/GraphileWorker</c>) with no-op tasks,
/// the kernel's concurrency and Graphile Worker's default poll interval. The harness enqueues the way an application
/// using it from SQL would: <c>graphile_worker.add_job</c>, one call per job in its own transaction, and
/// <c>graphile_worker.add_jobs</c> for bulk. Starting and stopping the workers starts and stops the process.
/// </summary>
internal sealed class GraphileBenchQueue : IBenchQueue
{
    public const string InstallCommand = "npm ci --prefix benchmarks/GraphileWorker";

    public const string MissingNode =
        "'node' was not found on PATH: the Graphile Worker peer of the job suite needs Node.js 20 or later with npm " +
        "(then `" + InstallCommand + "`), or leave it out with --queues kernel,hangfire.";

    private const int BulkChunk = 1_000;
    private const string TaskIdentifier = "bench_noop";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly string _databaseUrl;
    private readonly string _superuser;
    private readonly NpgsqlDataSource _enqueuer;
    private readonly int _concurrency;
    private readonly string _version;
    private GraphileWorkerProcess? _worker;
    private string _nodeVersion = "?";
    private long _succeeded;

    private GraphileBenchQueue(string superuser, int concurrency)
    {
        _superuser = superuser;
        _concurrency = concurrency;
        // No DISCARD ALL when a connection goes back to the pool, as the kernel's own connections and node-postgres's
        // pool: it would throw away the session's cached plans of add_job's PL/pgSQL on every enqueue (pg_stat_statements
        // showed 1.25 ms per add_job with it).
        _enqueuer = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(superuser) { NoResetOnClose = true }.ConnectionString);
        var builder = new NpgsqlConnectionStringBuilder(superuser);
        _databaseUrl = $"postgres://{Uri.EscapeDataString(builder.Username!)}:{Uri.EscapeDataString(builder.Password ?? "")}@{builder.Host}:{builder.Port}/{Uri.EscapeDataString(builder.Database!)}";
        using var package = JsonDocument.Parse(File.ReadAllText(PackageJson));
        _version = package.RootElement.GetProperty("version").GetString()!;
    }

    public string Key => "graphile";

    public string Name => "Graphile Worker";

    public string Settings =>
        $"Graphile Worker {_version} (npm) on Node.js {_nodeVersion}, a child process: concurrency {_concurrency}, LISTEN/NOTIFY + {PollInterval.TotalSeconds:0} s poll (its default), a pool of {_concurrency + 1} connections, " +
        $"each job one `get_job` and one `delete` (no batching in 0.16), the task only records its start; enqueued from .NET through `graphile_worker.add_job`, `add_jobs` in {BulkChunk:N0}-job chunks for bulk";

    /// <summary>Where the worker's Node.js project is: <c>benchmarks/GraphileWorker</c>.</summary>
    public static string ProjectDirectory { get; } = Path.Combine(Repository.Root(), "benchmarks", "GraphileWorker");

    private static string PackageJson => Path.Combine(ProjectDirectory, "node_modules", "graphile-worker", "package.json");

    /// <summary>What is missing for this peer to run (Node.js, or its npm packages), as a message that says what to do; null when nothing is.</summary>
    public static string? FindMissingPrerequisite()
    {
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node") { ArgumentList = { "--version" }, RedirectStandardOutput = true, UseShellExecute = false });
            node?.WaitForExit();
        }
        catch (Win32Exception)
        {
            return MissingNode;
        }

        return File.Exists(PackageJson)
            ? null
            : $"Graphile Worker's npm packages are not installed ({PackageJson} is missing): run `{InstallCommand}`, or leave the Graphile Worker peer out with --queues kernel,hangfire.";
    }

    /// <summary>Starts the worker once so that Graphile Worker migrates the database (the <c>graphile_worker</c> schema and its functions, which the enqueues call), then stops it.</summary>
    public static async Task<GraphileBenchQueue> StartAsync(string superuser, int concurrency, CancellationToken cancellationToken)
    {
        var queue = new GraphileBenchQueue(superuser, concurrency);
        try
        {
            await queue.StartWorkersAsync(cancellationToken);
            await queue.StopWorkersAsync(cancellationToken);
            return queue;
        }
        catch
        {
            await queue.DisposeAsync();
            throw;
        }
    }

    public async Task StartWorkersAsync(CancellationToken cancellationToken)
    {
        if (_worker is null)
        {
            _worker = await GraphileWorkerProcess.StartAsync(
                ProjectDirectory, _databaseUrl, _concurrency, PollInterval, completed => Interlocked.Add(ref _succeeded, completed), cancellationToken);
            _nodeVersion = _worker.NodeVersion;
        }
    }

    public async Task StopWorkersAsync(CancellationToken cancellationToken)
    {
        if (_worker is { } worker)
        {
            _worker = null;
            await worker.DisposeAsync();
        }
    }

    public async Task EnqueueAsync(long enqueuedAt, int index, CancellationToken cancellationToken)
    {
        await using var command = _enqueuer.CreateCommand($"select id from graphile_worker.add_job('{TaskIdentifier}', $1::json)");
        command.Parameters.Add(new NpgsqlParameter { Value = Payload(enqueuedAt) });
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task EnqueueManyAsync(int count, CancellationToken cancellationToken)
    {
        for (var done = 0; done < count;)
        {
            var size = Math.Min(BulkChunk, count - done);
            var payload = Payload(Stopwatch.GetTimestamp());
            await using var command = _enqueuer.CreateCommand(
                $"select count(*) from graphile_worker.add_jobs(array(select ('{TaskIdentifier}', p, null, null, null, null, null, null)::graphile_worker.job_spec from unnest($1::json[]) p))");
            command.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Repeat(payload, size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json });
            await command.ExecuteScalarAsync(cancellationToken);
            done += size;
        }
    }

    /// <summary>
    /// Counted by the worker process from Graphile Worker's <c>job:complete</c> event, which it emits once the job's
    /// completion (the delete of its row, in its own implicit transaction) has returned: committed, and no query
    /// competing with the workers for the database.
    /// </summary>
    public Task<long> SucceededAsync(CancellationToken cancellationToken)
    {
        if (_worker is { ExitedUnexpectedly: true } worker)
        {
            throw new InvalidOperationException($"Graphile Worker's process exited with {worker.ExitCode} while its jobs ran; its output is above.");
        }

        return Task.FromResult(Interlocked.Read(ref _succeeded));
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await Superuser.ExecuteAsync(_superuser, "truncate graphile_worker._private_jobs", cancellationToken);
        Interlocked.Exchange(ref _succeeded, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await StopWorkersAsync(CancellationToken.None);
        await _enqueuer.DisposeAsync();
    }

    // The enqueue timestamp as a string: Stopwatch ticks (nanoseconds of uptime) pass 2^53 after about 104 days, and
    // JavaScript's numbers would lose digits from there.
    private static string Payload(long enqueuedAt) => $$"""{"enqueuedAt":"{{enqueuedAt.ToString(CultureInfo.InvariantCulture)}}"}""";
}
