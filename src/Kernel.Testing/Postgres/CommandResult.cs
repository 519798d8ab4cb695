using System.Globalization;
using System.Text;

namespace Kernel.Testing;

/// <summary>The outcome of a command run by <see cref="PostgresCommandRunner"/>.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Gets a value indicating whether the command exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws <see cref="InvalidOperationException"/> with the command and its output unless it succeeded.</summary>
    public void ThrowIfFailed(string? hint = null)
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(Describe(hint));
        }
    }

    /// <summary>Describes a failed command: the command line, exit code, output and an optional hint.</summary>
    public string Describe(string? hint = null)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"`{CommandLine}` exited with code {ExitCode}.");
        if (!string.IsNullOrWhiteSpace(StandardOutput))
        {
            builder.Append("\nstdout:\n").Append(StandardOutput.TrimEnd());
        }

        if (!string.IsNullOrWhiteSpace(StandardError))
        {
            builder.Append("\nstderr:\n").Append(StandardError.TrimEnd());
        }

        if (!string.IsNullOrWhiteSpace(hint))
        {
            builder.Append('\n').Append(hint.TrimEnd());
        }

        return builder.ToString();
    }
}
