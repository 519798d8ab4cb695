using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WebHost.Tests.Telemetry;

/// <summary>The sample host run as its own OS process (<c>dotnet WebHost.dll</c>), configured through its environment as a deployment would.</summary>
internal sealed class SampleHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SampleHostProcess(Process process, string address)
    {
        _process = process;
        Address = address;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Address { get; }

    /// <summary>Everything the process printed so far, for failure messages and "never logged" assertions.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the host in Development on a free loopback port, its dev identity provider as the token issuer, and waits until it is ready.</summary>
    public static async Task<SampleHostProcess> StartAsync(Kernel.Testing.KernelTestDatabase database, IReadOnlyDictionary<string, string> environment)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var address = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WebHost.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = address;
        start.Environment["Kernel__Auth__Authority"] = address;
        start.Environment["Kernel__Auth__Issuer"] = address;
        start.Environment["ConnectionStrings__Kernel"] = database.RuntimeConnectionString;
        start.Environment["ConnectionStrings__KernelOwner"] = database.OwnerConnectionString;
        start.Environment["Kernel__Jobs__PollInterval"] = "00:00:00.200";
        start.Environment["Kernel__Jobs__RetryBaseDelay"] = "00:00:00.100";
        start.Environment["Kernel__Jobs__RetryMaxDelay"] = "00:00:00.500";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var host = new SampleHostProcess(Process.Start(start) ?? throw new InvalidOperationException("The sample host did not start."), address);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (host._process.HasExited)
            {
                throw new InvalidOperationException($"The sample host exited with {host._process.ExitCode}:{Environment.NewLine}{host.Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                host.Dispose();
                throw new TimeoutException($"The sample host was not ready within a minute:{Environment.NewLine}{host.Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Stops the host the way an orchestrator does (SIGTERM) so its exporters flush, then waits for it.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!_process.WaitForExit(30_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
