using System.ComponentModel;
using System.Diagnostics;

namespace Kernel.Testing;

/// <summary>
/// A detached shell process that stops the server and removes its data directory if the process that started the
/// cluster dies without disposing it (a crash, an unhandled exception, <c>kill -9</c>, or a SIGTERM, which .NET 10
/// no longer turns into <see cref="AppDomain.ProcessExit"/>).
/// </summary>
/// <remarks>
/// The watchdog blocks reading a pipe whose write end only this process holds (it is close-on-exec, so no other child
/// inherits it). The kernel closes the pipe when this process exits, however it exits; the watchdog then reads end of
/// file and cleans up. <see cref="Release"/> writes <c>done</c> first, telling the watchdog to exit without doing
/// anything. It runs in its own session (<c>setsid -f</c>) so terminal signals and process-tree kills do not reach it.
/// </remarks>
internal sealed class PostgresWatchdog : IDisposable
{
    // $1 = data directory, $2 = 1 to keep it, $3... = the command that stops the server.
    private const string Script = """
        exec >/dev/null 2>&1
        trap '' HUP INT TERM
        data=$1
        keep=$2
        shift 2
        line=
        IFS= read -r line
        if [ "$line" = done ]; then exit 0; fi
        if [ -f "$data/postmaster.pid" ]; then "$@"; fi
        rm -f -- "$data.initdb-pw"
        if [ "$keep" != 1 ]; then rm -rf -- "$data"; fi
        """;

    /// <summary>Where initdb reads the superuser password from while it runs: next to the data directory, so a watchdog removes it too.</summary>
    public static string PasswordFileOf(string dataDirectory) => dataDirectory + ".initdb-pw";

    private readonly Process _process;
    private int _released;

    private PostgresWatchdog(Process process) => _process = process;

    /// <summary>
    /// Starts a watchdog for a cluster from the moment its data directory exists, or returns <see langword="null"/> where it is not supported (Windows,
    /// no <c>/bin/sh</c>) or could not be started: it is a best-effort safety net.
    /// </summary>
    public static PostgresWatchdog? TryStart(string dataDirectory, bool keepDataDirectory, IReadOnlyList<string> stopCommand)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return null;
        }

        var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
        var startInfo = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (setsid is not null)
        {
            startInfo.ArgumentList.Add("-f");
            startInfo.ArgumentList.Add("/bin/sh");
        }

        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(Script);
        startInfo.ArgumentList.Add("kernel-pg-watchdog");
        startInfo.ArgumentList.Add(dataDirectory);
        startInfo.ArgumentList.Add(keepDataDirectory ? "1" : "0");
        foreach (var part in stopCommand)
        {
            startInfo.ArgumentList.Add(part);
        }

        var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            return null;
        }

        // The script sends its output to /dev/null; only the stdin pipe (the lifeline) stays open.
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
        return new PostgresWatchdog(process);
    }

    /// <summary>Tells the watchdog the cluster was disposed normally, so it exits without touching anything.</summary>
    public void Release() => Close("done\n");

    /// <summary>Closes the lifeline without a word, exactly as a dying process would (used by tests).</summary>
    internal void Abandon() => Close(null);

    /// <summary>Same as <see cref="Release"/>.</summary>
    public void Dispose() => Release();

    private void Close(string? message)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            if (message is not null)
            {
                _process.StandardInput.Write(message);
                _process.StandardInput.Flush();
            }

            _process.StandardInput.Dispose();
        }
        catch (IOException)
        {
            // The watchdog is already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
