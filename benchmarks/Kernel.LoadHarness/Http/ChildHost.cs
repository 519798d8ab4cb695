using System.Diagnostics;
using System.Net;
using Kernel.Testing;

namespace Kernel.LoadHarness.Http;

/// <summary>A host under load: this executable started again as <c>serve &lt;mode&gt;</c>, killed on dispose.</summary>
internal sealed class ChildHost : IAsyncDisposable
{
    private readonly Process _process;

    private ChildHost(string mode, Process process, string url)
    {
        Mode = mode;
        _process = process;
        Url = url;
    }

    public string Mode { get; }

    public string Url { get; }

    public static async Task<ChildHost> StartAsync(string mode, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var port = AppProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { ArgumentList = { "serve", mode }, RedirectStandardOutput = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Insert(0, typeof(ChildHost).Assembly.Location);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["BENCH_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"The {mode} host did not start.");
        var host = new ChildHost(mode, process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {mode} host exited with {process.ExitCode} before it was ready.");
            }

            try
            {
                if ((await http.GetAsync($"{host.Url}/ready", cancellationToken)).StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }
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
}
