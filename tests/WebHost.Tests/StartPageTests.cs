using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Addons.Requests;
using Kernel.Testing;

namespace WebHost.Tests;

/// <summary>The sample host tells a newcomer where to go: <c>GET /</c> lists the reference, the document and the probes, and so does its start-up log.</summary>
public sealed class StartPageTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    private static readonly string[] Places = ["/scalar/v1", "/openapi/v1.json", "/health/live", "/health/ready"];

    [Fact]
    public async Task The_root_answers_json_links_to_the_reference_the_document_and_the_probes_and_each_answers()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var hrefs = index["links"]!.AsArray().Select(l => l!["href"]!.GetValue<string>()).ToList();
        Assert.Equal(Places, hrefs);
        foreach (var href in hrefs)
        {
            var place = await client.GetAsync(href);
            Assert.True(place.StatusCode == HttpStatusCode.OK, $"{href}: {(int)place.StatusCode}");
        }
    }

    [Fact]
    public async Task A_browser_gets_a_page_with_the_same_links()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var place in Places)
        {
            Assert.Contains($"<a href=\"{place}\">", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_root_is_not_an_operation_of_the_document()
    {
        using var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Null(document["paths"]!["/"]);
    }
}

/// <summary>The start-up log names the places with the address the host really listens on.</summary>
public sealed class StartLogTests(KernelDatabaseFixture<RequestsAddon> fixture) : IClassFixture<KernelDatabaseFixture<RequestsAddon>>
{
    [Fact]
    public async Task Serving_logs_the_reference_the_document_and_the_probes_at_the_listening_address()
    {
        var port = AppProcess.FreeLoopbackPort();
        var address = $"http://127.0.0.1:{port}";
        using var host = HostProcess.Start(fixture.Database, ["--urls", address], new Dictionary<string, string> { ["Logging:LogLevel:WebHost.Start"] = "Information" });

        await host.WaitUntilLiveAsync(new Uri(address));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!host.Output.Contains(address + "/health/ready", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        foreach (var place in new[] { "/scalar/v1", "/openapi/v1.json", "/health/live", "/health/ready" })
        {
            Assert.Contains(address + place, host.Output, StringComparison.Ordinal);
        }
    }
}
