using Kernel.Testing;

namespace Tenancy.Lifecycle.Tests;

/// <summary>The test host as an OS process (<c>dotnet Tenancy.Lifecycle.TestHost.dll [arguments]</c>), served by Kestrel.</summary>
internal static class HostProcess
{
    /// <summary>Starts the host serving on a free loopback port and waits until it answers.</summary>
    public static async Task<(AppProcess Process, Uri Address)> StartAsync(KernelTestDatabase database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var address = new Uri($"http://127.0.0.1:{AppProcess.FreeLoopbackPort()}");
        var process = Launch(database, [], settings, address);
        try
        {
            await process.WaitUntilAnswersAsync(address, "/health/live", TimeSpan.FromMinutes(1));
            return (process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command (<c>tenant export …</c>) to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(KernelTestDatabase database, params string[] arguments)
    {
        await using var process = Launch(database, arguments, null, null);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return (exitCode, process.Output);
    }

    public static HttpClient Operator(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-Dev-Actor", "op");
        client.DefaultRequestHeaders.Add("X-Dev-Roles", "platform-operator");
        return client;
    }

    private static AppProcess Launch(KernelTestDatabase database, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings, Uri? address)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = address?.ToString().TrimEnd('/') ?? "http://127.0.0.1:0",
            ["ConnectionStrings:Kernel"] = database.RuntimeConnectionString,
            ["ConnectionStrings:KernelOwner"] = database.OwnerConnectionString,
            ["Kernel:Auth:EnableDevHeaders"] = "true",
            ["Kernel:Jobs:WorkerEnabled"] = "false",
            ["Kernel:Jobs:SchedulerEnabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return AppProcess.Start(Path.Combine(HostDirectory(), "Tenancy.Lifecycle.TestHost.dll"), arguments, environment);
    }

    private static string HostDirectory()
    {
        // The host's own output folder (same configuration and framework as this test assembly), else this one.
        var mine = AppContext.BaseDirectory;
        var theirs = mine.Replace(
            $"{Path.DirectorySeparatorChar}Tenancy.Lifecycle.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}Tenancy.Lifecycle.TestHost{Path.DirectorySeparatorChar}",
            StringComparison.Ordinal);
        return File.Exists(Path.Combine(theirs, "Tenancy.Lifecycle.TestHost.dll")) ? theirs : mine;
    }
}
