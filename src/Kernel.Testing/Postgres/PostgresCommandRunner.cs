using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Kernel.Testing;

/// <summary>
/// Runs PostgreSQL server binaries. When the current process is root they run as the <c>postgres</c> OS user through
/// <c>runuser -u postgres --</c>, because <c>initdb</c> and <c>postgres</c> refuse to run as root.
/// </summary>
internal sealed class PostgresCommandRunner
{
    /// <summary>The OS user the server runs as when the current process is root.</summary>
    public const string ServerOsUser = "postgres";

    private readonly string _binDirectory;
    private readonly ILogger _logger;

    public PostgresCommandRunner(string binDirectory, ILogger logger)
    {
        _binDirectory = binDirectory;
        _logger = logger;
        RunsAsServerUser = IsRoot();
    }

    /// <summary>Gets a value indicating whether server binaries are run as <see cref="ServerOsUser"/> through <c>runuser</c>.</summary>
    public bool RunsAsServerUser { get; }

    /// <summary>Runs a server binary (e.g. <c>pg_ctl</c>) from the bin directory, as the server user when root.</summary>
    public Task<CommandResult> RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var command = ToolCommand(tool, arguments);
        return RunAsync(command[0], command.Skip(1).ToList(), cancellationToken);
    }

    /// <summary>
    /// Gets the full command (executable first, then its arguments) that runs a server binary, wrapped in
    /// <c>runuser -u postgres --</c> when the current process is root.
    /// </summary>
    public IReadOnlyList<string> ToolCommand(string tool, IReadOnlyList<string> arguments)
    {
        var command = new List<string>(arguments.Count + 5);
        if (RunsAsServerUser)
        {
            command.AddRange([RunuserPath(), "-u", ServerOsUser, "--"]);
        }

        command.Add(PostgresBinaries.Tool(_binDirectory, tool));
        command.AddRange(arguments);
        return command;
    }

    /// <summary>Gives <paramref name="path"/> to the server user when root (<c>chown postgres: path</c>); otherwise does nothing.</summary>
    public async Task GiveToServerUserAsync(string path, CancellationToken cancellationToken)
    {
        if (RunsAsServerUser)
        {
            var result = await RunAsync("chown", [ServerOsUser + ":", path], cancellationToken);
            result.ThrowIfFailed();
        }
    }

    /// <summary>Runs an executable with an argument list (no shell) and captures its output.</summary>
    public async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Stable, untranslated tool output.
        startInfo.Environment["LC_ALL"] = "C";

        var commandLine = FormatCommandLine(fileName, arguments);
        LocalPostgresLog.Running(_logger, commandLine);

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start `{commandLine}`: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }

        return new CommandResult(commandLine, process.ExitCode, await stdout, await stderr);
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Best effort.
        }
    }

    private static string RunuserPath()
    {
        foreach (var candidate in (ReadOnlySpan<string>)["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"])
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "runuser";
    }

    private static bool IsRoot() =>
        !OperatingSystem.IsWindows()
        && (Environment.IsPrivilegedProcess || string.Equals(Environment.UserName, "root", StringComparison.Ordinal));

    private static string FormatCommandLine(string fileName, IReadOnlyList<string> arguments)
    {
        var builder = new StringBuilder(Quote(fileName));
        foreach (var argument in arguments)
        {
            builder.Append(' ').Append(Quote(argument));
        }

        return builder.ToString();

        static string Quote(string value) =>
            value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,@+".Contains(c, StringComparison.Ordinal))
                ? value
                : string.Create(CultureInfo.InvariantCulture, $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'");
    }
}
