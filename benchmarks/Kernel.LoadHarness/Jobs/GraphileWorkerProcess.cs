using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Kernel.LoadHarness.Bench;

namespace Kernel.LoadHarness.Jobs;

/// <summary>
/// <c>benchmarks/GraphileWorker/worker.mjs</c> running in Node.js, a child process of the harness: its standard output
/// says when the runner is ready, when each job's task started (timed by Node.js on the same monotonic clock as
/// <see cref="Stopwatch"/>) and how many jobs completed, and closing its standard input stops it. It is killed if it
/// has not stopped 15 s after that, and when the harness exits; it also stops by itself when the harness dies (its
/// standard input closes), so no worker outlives a run.
/// </summary>
internal sealed class GraphileWorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Action<long> _completed;
    private readonly long _spawnedAt;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private int _stopping;

    private GraphileWorkerProcess(Process process, Action<long> completed, long spawnedAt)
    {
        _process = process;
        _completed = completed;
        _spawnedAt = spawnedAt;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("[graphile] " + line);
            }
        };
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The Node.js version the worker runs on (<c>process.version</c>), once it is ready.</summary>
    public string NodeVersion { get; private set; } = "";

    /// <summary>Whether the process ended without being asked to stop: a crash, a lost database connection.</summary>
    public bool ExitedUnexpectedly => _process.HasExited && Volatile.Read(ref _stopping) == 0;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts <c>node worker.mjs</c> in <paramref name="directory"/> against <paramref name="databaseUrl"/> and waits
    /// until its runner is ready; <paramref name="completed"/> is called with each batch of completed jobs.
    /// </summary>
    public static async Task<GraphileWorkerProcess> StartAsync(
        string directory, string databaseUrl, int concurrency, TimeSpan pollInterval, Action<long> completed, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            ArgumentList = { "worker.mjs" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GRAPHILE_BENCH_DATABASE_URL"] = databaseUrl;
        start.Environment["GRAPHILE_BENCH_CONCURRENCY"] = concurrency.ToString(CultureInfo.InvariantCulture);
        start.Environment["GRAPHILE_BENCH_POLL_INTERVAL_MS"] = ((int)pollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var spawnedAt = Stopwatch.GetTimestamp();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(GraphileBenchQueue.MissingNode, e);
        }

        var worker = new GraphileWorkerProcess(process, completed, spawnedAt);
        try
        {
            worker.NodeVersion = await worker._ready.Task.WaitAsync(ReadyTimeout, cancellationToken);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the worker's standard input (it stops its runner and exits), killing it if it has not exited in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It is exiting already.
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"[graphile] the worker did not stop within {StopTimeout.TotalSeconds:0} s; killing it");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _reader;
        _process.Dispose();
    }

    private static long ToStopwatchTicks(long nanoseconds) => (long)((Int128)nanoseconds * Stopwatch.Frequency / 1_000_000_000);

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                var fields = line.Split(' ');
                switch (fields[0])
                {
                    case "start":
                        JobProbe.Started(long.Parse(fields[1], CultureInfo.InvariantCulture), ToStopwatchTicks(long.Parse(fields[2], CultureInfo.InvariantCulture)));
                        break;
                    case "done":
                        _completed(long.Parse(fields[1], CultureInfo.InvariantCulture));
                        break;
                    case "ready":
                        // The start timestamps are compared with this process's Stopwatch: both must read CLOCK_MONOTONIC.
                        var readyAt = ToStopwatchTicks(long.Parse(fields[1], CultureInfo.InvariantCulture));
                        if (readyAt < _spawnedAt || readyAt > Stopwatch.GetTimestamp())
                        {
                            _ready.TrySetException(new InvalidOperationException(
                                "Node.js's process.hrtime() and .NET's Stopwatch do not read the same clock on this machine, so Graphile Worker's start times cannot be compared with the enqueue times."));
                        }
                        else
                        {
                            _ready.TrySetResult(fields[2]);
                        }

                        break;
                    default:
                        Console.Error.WriteLine("[graphile] " + line);
                        break;
                }
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException)
        {
            _ready.TrySetException(new InvalidOperationException("Graphile Worker's process wrote a line the harness does not understand.", e));
        }

        _ready.TrySetException(new InvalidOperationException(
            $"Graphile Worker's process (node worker.mjs) ended before it was ready; its output is above. If it cannot find 'graphile-worker', run `{GraphileBenchQueue.InstallCommand}`."));
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }
    }
}
