using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Net.Http.Headers;

namespace WebHost.Start;

/// <summary>
/// Where to go once the host runs: the API reference, the OpenAPI document and the health probes — logged at start
/// with the address the host really listens on, and answered at <c>GET /</c> (JSON, or a small page for a browser).
/// </summary>
internal static partial class StartPage
{
    /// <summary>One place to go.</summary>
    /// <param name="Rel">What it is, as a stable key.</param>
    /// <param name="Href">Its path.</param>
    /// <param name="Title">What it is, for a person.</param>
    internal sealed record Link(string Rel, string Href, string Title);

    /// <summary>The answer of <c>GET /</c>.</summary>
    /// <param name="Name">The host.</param>
    /// <param name="Links">Where to go.</param>
    internal sealed record Index(string Name, IReadOnlyList<Link> Links);

    private const string Name = "Kernel sample host";

    /// <summary>The links, in the order a newcomer wants them; the reference page only where it is mapped (Development).</summary>
    public static IReadOnlyList<Link> Links(IHostEnvironment environment)
    {
        var links = new List<Link>();
        if (environment.IsDevelopment())
        {
            links.Add(new Link("api-reference", "/scalar/v1", "API reference (Scalar): every route, with \"try it\""));
        }

        links.Add(new Link("openapi", "/openapi/v1.json", "OpenAPI 3.1 document"));
        links.Add(new Link("health-live", "/health/live", "Liveness probe"));
        links.Add(new Link("health-ready", "/health/ready", "Readiness probe (database, migrations, job worker)"));
        return links;
    }

    /// <summary>Maps <c>GET /</c> outside the kernel (it is the host's own page, like the probes) and logs the links once the host listens.</summary>
    public static void MapStartPage(this WebApplication app)
    {
        var links = Links(app.Environment);
        app.MapGet("/", (HttpContext http) => Answer(http, links))
            .ExcludeFromKernel()
            .ExcludeFromDescription();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.FirstOrDefault()?.TrimEnd('/');
            if (address is null)
            {
                return;
            }

            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartPage).FullName!);
            foreach (var link in links)
            {
                LogLink(logger, link.Title, address + link.Href);
            }
        });
    }

    private static IResult Answer(HttpContext http, IReadOnlyList<Link> links)
    {
        var accept = http.Request.GetTypedHeaders().Accept;
        var html = accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            && !accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
        http.Response.Headers.Vary = HeaderNames.Accept;
        return html ? Results.Content(Page(links), "text/html; charset=utf-8") : Results.Json(new Index(Name, links));
    }

    private static string Page(IReadOnlyList<Link> links)
    {
        var page = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Name).Append("</title></head><body><h1>").Append(Name).Append("</h1><ul>");
        foreach (var link in links)
        {
            page.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(link.Href)).Append("\">")
                .Append(WebUtility.HtmlEncode(link.Href)).Append("</a> — ").Append(WebUtility.HtmlEncode(link.Title)).Append("</li>");
        }

        return page.Append("</ul></body></html>").ToString();
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "{Title}: {Url}")]
    private static partial void LogLink(ILogger logger, string title, string url);
}
