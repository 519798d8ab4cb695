using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// One client connection into an app on an <see cref="InProcessServer"/>: requests go one at a time through the host's
/// <see cref="IHttpApplication{TContext}"/> (create context, run the pipeline, complete the response, dispose context),
/// exactly the calls Kestrel makes per request, on features reused between requests.
/// </summary>
internal abstract class InProcessConnection
{
    private readonly HttpRequestFeature _request = new();
    private readonly HttpRequestIdentifierFeature _identifier = new();

    protected InProcessConnection()
    {
        Features = new Dictionary<Type, object>
        {
            [typeof(IHttpRequestFeature)] = _request,
            [typeof(IHttpResponseFeature)] = Response,
            [typeof(IHttpResponseBodyFeature)] = Response,
            [typeof(IHttpRequestLifetimeFeature)] = new HttpRequestLifetimeFeature(),
            [typeof(IHttpRequestIdentifierFeature)] = _identifier,
        };
    }

    /// <summary>The last request's response.</summary>
    public InProcessResponseFeature Response { get; } = new();

    /// <summary>The last response's body as text (for checks in setup, not in measured code).</summary>
    public string ResponseText => Encoding.UTF8.GetString(Response.Body.GetBuffer(), 0, (int)Response.Body.Length);

    protected IReadOnlyDictionary<Type, object> Features { get; }

    /// <summary>Sends <paramref name="request"/> and returns the response status code.</summary>
    public abstract Task<int> SendAsync(InProcessRequest request);

    protected void Prepare(InProcessRequest request)
    {
        _request.Protocol = HttpProtocol.Http11;
        _request.Scheme = "http";
        _request.Method = request.Method;
        _request.PathBase = string.Empty;
        _request.Path = request.Path;
        _request.QueryString = string.Empty;
        _request.RawTarget = request.Path;
        _request.Headers = request.Headers;
        _request.Body = Stream.Null;
        _identifier.TraceIdentifier = null!; // A new one, on first use, per request.
        Response.Reset();
    }
}

/// <inheritdoc cref="InProcessConnection"/>
internal sealed class InProcessConnection<TContext> : InProcessConnection
    where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;
    private readonly InProcessFeatures<TContext> _features;

    public InProcessConnection(IHttpApplication<TContext> application)
    {
        _application = application;
        _features = new InProcessFeatures<TContext>(Features);
    }

    public override async Task<int> SendAsync(InProcessRequest request)
    {
        Prepare(request);
        _features.Reset();
        var context = _application.CreateContext(_features);
        try
        {
            await _application.ProcessRequestAsync(context);
            await Response.CompleteAsync();
        }
        catch (Exception ex)
        {
            await Response.FireOnCompletedAsync();
            _application.DisposeContext(context, ex);
            throw;
        }

        await Response.FireOnCompletedAsync();
        _application.DisposeContext(context, exception: null);
        return Response.StatusCode;
    }
}
