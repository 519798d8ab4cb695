namespace WebHost.Hosting;

/// <summary>
/// Finds the sample's command (none, <c>worker</c>, <c>migrate</c>, <c>demo</c>) among the arguments, which also carry
/// ASP.NET Core's command-line configuration (<c>--urls http://127.0.0.1:5100</c>, <c>--key=value</c>, <c>/key value</c>,
/// <c>key=value</c>). It follows the grammar of the configuration's command-line provider, so the command is exactly the
/// first argument that provider ignores: the value after <c>--key</c> is never taken for a command.
/// </summary>
internal static class HostCommand
{
    public static string? Find(IReadOnlyList<string> args)
    {
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
