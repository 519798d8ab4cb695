using Microsoft.AspNetCore.Http;

namespace Kernel.Benchmarks.Hosting;

/// <summary>A request to send through an <see cref="InProcessConnection"/>; built once, sent many times (the app only reads it).</summary>
internal sealed class InProcessRequest
{
    public InProcessRequest(string method, string path, params (string Name, string Value)[] headers)
    {
        Method = method;
        Path = path;
        Headers = new HeaderDictionary { ["Host"] = "localhost" };
        foreach (var (name, value) in headers)
        {
            Headers[name] = value;
        }
    }

    public string Method { get; }

    public string Path { get; }

    public HeaderDictionary Headers { get; }
}
