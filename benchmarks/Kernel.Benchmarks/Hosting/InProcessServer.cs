using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// An <see cref="IServer"/> without sockets. The host starts it as it would start Kestrel: it builds the app's request
/// pipeline and hands over its <see cref="IHttpApplication{TContext}"/>; benchmarks then send requests through a
/// <see cref="Connect">connection</see>, so they measure the app's per-request cost and allocations, not the network's
/// or a test client's.
/// </summary>
internal sealed class InProcessServer : IServer
{
    private Func<InProcessConnection>? _connect;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _connect = () => new InProcessConnection<TContext>(application);
        return Task.CompletedTask;
    }

    /// <summary>A new connection: one request at a time, its features reused from request to request like a keep-alive connection's.</summary>
    public InProcessConnection Connect() =>
        (_connect ?? throw new InvalidOperationException("The host has not started the server yet."))();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
