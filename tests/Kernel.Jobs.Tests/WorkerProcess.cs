using Kernel.Testing;

namespace Kernel.Jobs.Tests;

/// <summary>The test host run as a separate worker-only OS process (<c>dotnet Jobs.TestHost.dll worker</c>).</summary>
public static class WorkerProcess
{
    public static AppProcess Start(KernelTestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings:Kernel"] = database.RuntimeConnectionString,
            ["ConnectionStrings:KernelOwner"] = database.OwnerConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return AppProcess.Start(Path.Combine(HostDirectory(), "Jobs.TestHost.dll"), ["worker"], environment);
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
}
