using BenchmarkDotNet.Attributes;
using Kernel.Addons;
using Kernel.Benchmarks.Hosting;
using Kernel.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Benchmarks.Limits;

/// <summary>
/// The kernel's rate limiter alone, for one admitted request of a known actor: the actor's and the tenant's partition
/// looked up, a permit taken from each, the lease released. What rate limiting adds to a kernel route, less the
/// framework middleware's own pass.
/// </summary>
[MemoryDiagnoser]
public class RateLimiterBenchmarks
{
    private KernelRateLimiter _limiter = null!;
    private DefaultHttpContext _http = null!;

    /// <summary>A limiter with limits no run reaches and a request whose context is established.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var options = new KernelOptions();
        options.RateLimiting.Enabled = true;
        options.RateLimiting.Default.TenantPermits = int.MaxValue;
        options.RateLimiting.Default.ActorPermits = int.MaxValue;
        _limiter = new KernelRateLimiter(Options.Create(options));
        _http = new DefaultHttpContext();
        _http.Features.Set(BenchContexts.For(Guid.NewGuid(), "bench-actor")); // as the route wrapper publishes it
        _http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new KernelRouteMetadata("bench.hello", RouteAccess.Authenticated, "bench", "GET")), "bench.hello"));
    }

    /// <summary>Disposes the limiter.</summary>
    [GlobalCleanup]
    public void Cleanup() => _limiter.Dispose();

    /// <summary>One admitted request: acquire and release.</summary>
    /// <returns>Whether the permit was granted.</returns>
    [Benchmark]
    public bool Acquire()
    {
        using var lease = _limiter.Limiter.AttemptAcquire(_http);
        return lease.IsAcquired;
    }
}
