using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// A Node.js script run as its own OS process (<c>node script</c>), keeping the last lines it printed for failure
/// messages. <see cref="Kernel.Testing.AppProcess"/> is the same for .NET apps, but it only starts <c>dotnet</c>.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private const int KeptLines = 500;

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private NodeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets a value indicating whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets the exit code (once <see cref="HasExited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Gets the last lines the process printed (standard output and error).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts <c>node <paramref name="script"/></c> in <paramref name="directory"/>, with <paramref name="environment"/> added to this process's.</summary>
    public static NodeProcess Start(string directory, string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        try
        {
            return new NodeProcess(Process.Start(start) ?? throw new InvalidOperationException($"node {script} did not start."));
        }
        catch (Win32Exception e)
        {
            throw NodePackage.Missing("node", e);
        }
    }

    /// <summary>Sends SIGTERM and waits for the process to end; kills it (with its children) if it is still running after a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(ShutdownGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
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
