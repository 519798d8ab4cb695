using Kernel.Testing;

namespace WebHost.Tests;

/// <summary>The sample host as a real OS process (<c>dotnet WebHost.dll ARGS</c>), as a user starts it, on a test database.</summary>
internal static class HostProcess
{
    public static AppProcess Start(KernelTestDatabase database, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // Only what the test gives decides where it listens.
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings:Kernel"] = database.RuntimeConnectionString,
            ["ConnectionStrings:KernelOwner"] = database.OwnerConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return AppProcess.Start(Path.Combine(HostDirectory(), "WebHost.dll"), args, settings);
    }

    /// <summary>Waits until <c>/health/live</c> answers at <paramref name="baseAddress"/>; fails with the process output if it exits or never does.</summary>
    public static Task WaitUntilLiveAsync(this AppProcess host, Uri baseAddress) =>
        host.WaitUntilAnswersAsync(baseAddress, "/health/live", TimeSpan.FromSeconds(90));

    // The sample's own output folder (same configuration), so its content root and appsettings are its own.
    private static string HostDirectory()
    {
        var mine = AppContext.BaseDirectory;
        var sep = Path.DirectorySeparatorChar;
        var theirs = mine.Replace($"{sep}tests{sep}WebHost.Tests{sep}", $"{sep}samples{sep}WebHost{sep}", StringComparison.Ordinal);
        return File.Exists(Path.Combine(theirs, "WebHost.dll")) ? theirs : mine;
    }
}
