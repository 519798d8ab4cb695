using System.Collections.Concurrent;
using System.Diagnostics;
using Kernel.Testing;

namespace Kernel.Jobs.Tests;

/// <summary>The test host run as a separate worker-only OS process (<c>dotnet Jobs.TestHost.dll worker</c>).</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public static WorkerProcess Start(KernelTestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = HostDirectory(),
        };
        start.ArgumentList.Add(Path.Combine(HostDirectory(), "Jobs.TestHost.dll"));
        start.ArgumentList.Add("worker");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Kernel"] = database.RuntimeConnectionString;
        start.Environment["ConnectionStrings__KernelOwner"] = database.OwnerConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start."));
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod: returns the exit code once the process has shut down.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no draining, no releasing — a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static string HostDirectory()
    {
        // The host's own output folder (same configuration and framework as this test assembly).
        var mine = AppContext.BaseDirectory;
        var theirs = mine.Replace(
            $"{Path.DirectorySeparatorChar}Kernel.Jobs.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}Jobs.TestHost{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal);
        return File.Exists(Path.Combine(theirs, "Jobs.TestHost.dll")) ? theirs : mine;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }
}
