using System.Net;
using System.Net.Http.Json;
using Addons.Requests;
using Kernel.Testing;

namespace WebHost.Tests;

/// <summary>
/// The sample host started as a user starts it, on ports other than the launch profile's 5080: ASP.NET Core's
/// <c>--urls</c> with and without a command, <c>ASPNETCORE_URLS</c>, and a container's <c>ASPNETCORE_HTTP_PORTS</c>. In
/// Development the dev identity provider's tokens are accepted wherever the host listens.
/// </summary>
public sealed class HostProcessTests(KernelDatabaseFixture<RequestsAddon> fixture) : IClassFixture<KernelDatabaseFixture<RequestsAddon>>
{
    [Fact]
    public async Task Serving_with_urls_on_another_port_accepts_the_dev_identity_providers_tokens()
    {
        var port = AppProcess.FreeLoopbackPort();
        using var host = HostProcess.Start(fixture.Database, ["--urls", $"http://127.0.0.1:{port}"]);

        await AssertBearerFlowAsync(host, new Uri($"http://127.0.0.1:{port}"));
    }

    [Fact]
    public async Task Serving_with_aspnetcore_urls_accepts_the_dev_identity_providers_tokens()
    {
        var port = AppProcess.FreeLoopbackPort();
        using var host = HostProcess.Start(fixture.Database, [], new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });

        await AssertBearerFlowAsync(host, new Uri($"http://127.0.0.1:{port}"));
    }

    [Fact]
    public async Task Serving_on_a_container_port_accepts_the_dev_identity_providers_tokens()
    {
        var port = AppProcess.FreeLoopbackPort();
        using var host = HostProcess.Start(fixture.Database, [], new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        await AssertBearerFlowAsync(host, new Uri($"http://localhost:{port}"));
    }

    [Fact]
    public async Task A_command_with_urls_listens_where_urls_says()
    {
        var port = AppProcess.FreeLoopbackPort();
        using var host = HostProcess.Start(fixture.Database, ["worker", "--urls", $"http://127.0.0.1:{port}"]);

        await host.WaitUntilLiveAsync(new Uri($"http://127.0.0.1:{port}"));
    }

    private static async Task AssertBearerFlowAsync(AppProcess host, Uri address)
    {
        await host.WaitUntilLiveAsync(address);
        using var http = new HttpClient { BaseAddress = address };
        var email = IdentityClient.UniqueEmail("port");
        await IdentityClient.SignUpAsync(http, email);
        http.WithBearer(await IdentityClient.AccessTokenAsync(http, email));

        var created = await http.PostAsJsonAsync("/api/requests", new { title = "On another port" });

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}\n{host.Output}");
    }
}
