using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Operations.Tests;

/// <summary>
/// The sample host as an OS process (<c>dotnet WebHost.dll [command]</c>), configured only through the environment,
/// as a deployment would configure it. Development environment with dev headers, so tests can act as any tenant.
/// </summary>
internal sealed class SampleHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SampleHostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (log lines at Warning and up, plus the kernel's Information lines).</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>The environment a sample host needs for <paramref name="runtime"/> and <paramref name="owner"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Settings(string runtime, string owner, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Kernel"] = runtime,
            ["ConnectionStrings:KernelOwner"] = owner,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Runs a one-shot command (<c>migrate</c>) to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string command, IReadOnlyDictionary<string, string> settings)
    {
        await using var host = Start(command, settings, FreeLoopbackUrl());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await host._process.WaitForExitAsync(timeout.Token);
        return (host._process.ExitCode, host.Output);
    }

    /// <summary>Starts the host (<paramref name="command"/>: null to serve, or <c>worker</c>) and waits until it answers <c>/health/live</c>.</summary>
    public static async Task<SampleHostProcess> StartAsync(string? command, IReadOnlyDictionary<string, string> settings)
    {
        var host = Start(command, settings, FreeLoopbackUrl());
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (host.HasExited)
            {
                var output = host.Output;
                await host.DisposeAsync();
                throw new InvalidOperationException($"The sample host exited during start-up:\n{output}");
            }

            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                var output = host.Output;
                await host.DisposeAsync();
                throw new TimeoutException($"The sample host did not come up:\n{output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A client of this host acting as <paramref name="actor"/> of <paramref name="tenant"/> (dev headers).</summary>
    public HttpClient ClientAs(Guid tenant, string actor, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    /// <summary>Sends SIGTERM (what an orchestrator sends to stop a pod) and returns the exit code once the process ended.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static SampleHostProcess Start(string? command, IReadOnlyDictionary<string, string> settings, Uri address)
    {
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(directory, "WebHost.dll"));
        if (command is not null)
        {
            start.ArgumentList.Add(command);
        }

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["Kernel:Auth:EnableDevHeaders"] = "true",
            ["Kernel:Auth:Authority"] = address.ToString().TrimEnd('/'),
            ["Kernel:Auth:Issuer"] = address.ToString().TrimEnd('/'),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Kernel"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new SampleHostProcess(Process.Start(start) ?? throw new InvalidOperationException("The sample host did not start."), address);
    }

    private static Uri FreeLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 2000)
        {
            _output.TryDequeue(out _);
        }
    }
}
