using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Kernel.Testing;

/// <summary>
/// A .NET app run as its own OS process (<c>dotnet App.dll arguments</c>), configured only through its environment
/// as a deployment configures it, for tests that need a real process: signals (SIGTERM, SIGKILL), several instances,
/// exporters and probes over real sockets. It keeps the last lines the process printed.
/// </summary>
public sealed class AppProcess : IDisposable, IAsyncDisposable
{
    private const int KeptLines = 2000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets the OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>Gets a value indicating whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code (once <see cref="HasExited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets the last lines the process printed (standard output and error), for failure messages and "never printed" assertions.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <c>dotnet <paramref name="entryAssembly"/> <paramref name="arguments"/></c> in the assembly's folder (its
    /// content root). <paramref name="environment"/> adds to this process's environment: configuration keys may be
    /// written with <c>:</c> (sent as <c>__</c>), and a null value removes an inherited variable.
    /// </summary>
    /// <param name="entryAssembly">The path of the app's entry assembly.</param>
    /// <param name="arguments">Its command-line arguments.</param>
    /// <param name="environment">Its environment, added to this process's.</param>
    /// <returns>The running process.</returns>
    public static AppProcess Start(string entryAssembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(entryAssembly);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(entryAssembly)),
        };
        start.ArgumentList.Add(entryAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new AppProcess(Process.Start(start) ?? throw new InvalidOperationException($"dotnet {entryAssembly} did not start."));
    }

    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    /// <returns>The port.</returns>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="path"/> at <paramref name="address"/> answers 2xx; throws with the output if the process exits or the time runs out.</summary>
    /// <param name="address">The app's base address.</param>
    /// <param name="path">The probe's path, e.g. <c>/health/live</c>.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>A task that completes when the probe answers.</returns>
    public async Task WaitUntilAnswersAsync(Uri address, string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The process exited with {ExitCode} before {path} answered:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} at {address} did not answer within {timeout}:{Environment.NewLine}{Output}");
            }

            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to end.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as an orchestrator stops a pod, and returns the exit code once the process has shut down.</summary>
    /// <param name="timeout">How long the shutdown may take; two minutes when null.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        return await WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2)).ConfigureAwait(false);
    }

    /// <summary>SIGKILL, with the process's children: no shutdown, no draining, no releasing — a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines)
        {
            _output.TryDequeue(out _);
        }
    }
}
