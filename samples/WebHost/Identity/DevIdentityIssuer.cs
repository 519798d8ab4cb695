using System.Net;
using System.Net.Sockets;

namespace WebHost.Identity;

/// <summary>
/// In Development, when no other issuer is configured, the sample's own dev identity provider issues the tokens: its
/// issuer and the kernel's JWT authority are then the address this host listens on, wherever that is
/// (<c>Kestrel:Endpoints</c>, <c>ASPNETCORE_URLS</c> or <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c> in a container, or
/// Kestrel's default), so serving on another port than the launch profile's does not turn every bearer call into a 401.
/// </summary>
internal static class DevIdentityIssuer
{
    private const string KestrelDefault = "http://localhost:5000";

    public static WebApplicationBuilder UseListenAddressAsDevIssuer(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Kernel:Auth");
        if (!builder.Environment.IsDevelopment()
            || !string.IsNullOrWhiteSpace(auth["Authority"])
            || !string.IsNullOrWhiteSpace(auth["MetadataAddress"])
            || !string.IsNullOrWhiteSpace(auth["JwksUri"]))
        {
            return builder; // Another issuer is configured: the host only validates its tokens.
        }

        var (address, fromUrls) = ListenAddress(builder.Configuration);
        var binding = BindingAddress.Parse(address);
        var port = binding.Port;
        if (port == 0 && fromUrls)
        {
            // Port 0 means "any free port", known only once the server listens; the kernel must know it before, to
            // fetch the keys from it. Take one that is free now.
            port = FreeLoopbackPort();
            builder.WebHost.UseUrls($"{binding.Scheme}://{binding.Host}:{port}");
        }

        // A wildcard or any-address binding is reached through loopback by the kernel's own key fetches.
        var host = binding.Host is "*" or "+" or "0.0.0.0" or "[::]" ? "localhost" : binding.Host;
        var url = $"{binding.Scheme}://{host}:{port}";
        builder.Configuration["Kernel:Auth:Authority"] = url;
        builder.Configuration["Kernel:Auth:Issuer"] = url;
        return builder;
    }

    /// <summary>The first listen address as Kestrel resolves them (an http one when there is a choice), and whether it came from <c>urls</c>.</summary>
    internal static (string Address, bool FromUrls) ListenAddress(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return (PreferHttp(endpoints), false);
        }

        if (Split(configuration[WebHostDefaults.ServerUrlsKey]) is { Count: > 0 } urls)
        {
            return (PreferHttp(urls), true);
        }

        if (Split(configuration[WebHostDefaults.HttpPortsKey]) is [var httpPort, ..])
        {
            return ($"http://localhost:{httpPort}", false);
        }

        return Split(configuration[WebHostDefaults.HttpsPortsKey]) is [var httpsPort, ..]
            ? ($"https://localhost:{httpsPort}", false)
            : (KestrelDefault, false);
    }

    private static string PreferHttp(List<string> urls) =>
        urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls[0];

    private static List<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
