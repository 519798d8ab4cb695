using System.Globalization;

namespace Kernel.Testing;

/// <summary>Locates the PostgreSQL server binaries (<c>initdb</c>, <c>pg_ctl</c>).</summary>
internal static class PostgresBinaries
{
    /// <summary>The environment variable that points at a directory of server binaries.</summary>
    public const string BinDirectoryVariable = "KERNEL_PG_BIN";

    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>Returns the full path of a tool in <paramref name="binDirectory"/> (adds <c>.exe</c> on Windows).</summary>
    public static string Tool(string binDirectory, string name) =>
        Path.Combine(binDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name);

    /// <summary>
    /// Finds the directory holding <c>initdb</c> and <c>pg_ctl</c>: <paramref name="configured"/>, else
    /// <c>KERNEL_PG_BIN</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>, else <c>initdb</c> on the PATH.
    /// </summary>
    /// <exception cref="InvalidOperationException">No usable directory was found.</exception>
    public static string Locate(string? configured)
    {
        var searched = new List<string>();

        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Check(configured, searched) ?? throw NotFound(searched, "LocalPostgresOptions.BinDirectory");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Check(fromEnvironment, searched) ?? throw NotFound(searched, BinDirectoryVariable);
        }

        if (Directory.Exists(DebianRoot))
        {
            var versions = Directory.EnumerateDirectories(DebianRoot)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
                .OrderByDescending(x => x.Version);
            foreach (var (dir, _) in versions)
            {
                if (Check(dir, searched) is { } found)
                {
                    return found;
                }
            }
        }
        else
        {
            searched.Add(DebianRoot + "/*/bin");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Tool(dir, "initdb")) && Check(dir, searched) is { } found)
            {
                return found;
            }
        }

        searched.Add("PATH");
        throw NotFound(searched, source: null);
    }

    private static string? Check(string directory, List<string> searched)
    {
        var full = Path.GetFullPath(directory);
        if (File.Exists(Tool(full, "initdb")) && File.Exists(Tool(full, "pg_ctl")))
        {
            return full;
        }

        searched.Add(full);
        return null;
    }

    private static Version ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version)
            ? version
            : new Version(0, 0);

    private static InvalidOperationException NotFound(List<string> searched, string? source) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"""
            PostgreSQL server binaries (initdb, pg_ctl) were not found{(source is null ? string.Empty : " in the directory set by " + source)} (looked in: {string.Join(", ", searched)}).
            Install them with `apt-get install postgresql` (Debian/Ubuntu), point LocalPostgresOptions.BinDirectory or the {BinDirectoryVariable} environment variable at the directory that contains them,
            or set a connection string (ConnectionStrings:Kernel, environment variable ConnectionStrings__Kernel) to use an existing PostgreSQL server instead.
            """));
}
