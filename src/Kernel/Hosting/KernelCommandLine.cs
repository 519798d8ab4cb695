namespace Microsoft.AspNetCore.Builder;

/// <summary>The command a kernel host was started with (none to serve, <c>worker</c>, <c>migrate</c>, …).</summary>
public static class KernelCommandLine
{
    /// <summary>
    /// Finds the command among the arguments, which also carry ASP.NET Core's command-line configuration
    /// (<c>--urls http://127.0.0.1:5100</c>, <c>--key=value</c>, <c>/key value</c>, <c>key=value</c>). It follows the grammar
    /// of the configuration's command-line provider, so the command is exactly the first argument that provider
    /// ignores: the value after <c>--key</c> is never taken for a command.
    /// </summary>
    /// <param name="args">The process's arguments.</param>
    /// <returns>The command, or <see langword="null"/> when there is none.</returns>
    public static string? FindCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Contains('=', StringComparison.Ordinal))
            {
                continue; // key=value, --key=value, /key=value
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) || arg.StartsWith('/'))
            {
                i++; // --key value: the next argument is the value, whatever it looks like
                continue;
            }

            if (arg.StartsWith('-'))
            {
                continue; // -x with no switch mapping: the provider ignores it, and so do we
            }

            return arg;
        }

        return null;
    }
}
