using BenchmarkDotNet.Attributes;
using Kernel.Benchmarks.Bench;
using Kernel.Benchmarks.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Kernel.Benchmarks.Routing;

/// <summary>
/// One GET of the same trivial JSON handler through a whole app's request pipeline, in process (no sockets): a raw
/// Minimal API endpoint, the same reading an equivalent identity from headers, the kernel app passing an endpoint
/// marked <c>ExcludeFromKernel()</c> through, and kernel routes (dev-header identity, tenant, context, unit of work that
/// opens no connection, error envelope on standby, telemetry) without and with a permission check (cache warm), and
/// with rate limiting on (limits no run reaches).
/// </summary>
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private const string RawPath = "/raw/hello";
    private const string RawIdentityPath = "/raw/hello-identity";

    private static readonly Guid Tenant = Guid.Parse("0198c0de-0000-7000-8000-000000000001");

    private readonly InProcessRequest _raw = new(HttpMethods.Get, RawPath);
    private readonly InProcessRequest _rawIdentity = new(HttpMethods.Get, RawIdentityPath, DevHeaders());
    private readonly InProcessRequest _kernelOutside = new(HttpMethods.Get, RawPath);
    private readonly InProcessRequest _kernelRoute = new(HttpMethods.Get, BenchAddon.HelloPath, DevHeaders());
    private readonly InProcessRequest _kernelPermitted = new(HttpMethods.Get, BenchAddon.HelloPermittedPath, DevHeaders());

    private BenchDatabase _database = null!;
    private WebApplication _rawApp = null!;
    private WebApplication _kernelApp = null!;
    private WebApplication _rateLimitedApp = null!;
    private InProcessConnection _rawConnection = null!;
    private InProcessConnection _kernelConnection = null!;
    private InProcessConnection _rateLimitedConnection = null!;

    /// <summary>Starts PostgreSQL (the kernel app migrates and checks its runtime role at start-up) and both apps, and checks every request answers 200 with the JSON.</summary>
    /// <returns>A task that completes when both apps are ready.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.StartAsync();
        _rawApp = await BenchApps.StartRawAsync(app =>
        {
            app.MapGet(RawPath, static () => TypedResults.Ok(Hello.Instance));
            app.MapGet(RawIdentityPath, static (HttpContext http) => RawHeaderIdentity.Read(http) is null ? Results.Unauthorized() : TypedResults.Ok(Hello.Instance));
        });
        _kernelApp = await BenchApps.StartKernelAsync(_database, app => app.MapGet(RawPath, static () => TypedResults.Ok(Hello.Instance)).ExcludeFromKernel());
        _rateLimitedApp = await BenchApps.StartKernelAsync(_database, rateLimited: true);

        // Both kernel apps resolve the tenant through the registry (Required, the default); the first request caches it.
        await _database.ExecuteAsSuperuserAsync("insert into kernel.tenants (id, slug, name) values ($1, 'bench', 'Bench') on conflict do nothing", Tenant);
        _rawConnection = _rawApp.Connect();
        _rateLimitedConnection = _rateLimitedApp.Connect();
        _kernelConnection = _kernelApp.Connect();
        await BenchApps.WarmRoleGrantsAsync(_kernelApp, Tenant);

        await CheckAsync(_rawConnection, _raw);
        await CheckAsync(_rawConnection, _rawIdentity);
        await CheckAsync(_kernelConnection, _kernelOutside);
        await CheckAsync(_kernelConnection, _kernelRoute);
        await CheckAsync(_kernelConnection, _kernelPermitted);
        await CheckAsync(_rateLimitedConnection, _kernelRoute);
        if (!_kernelConnection.Response.Headers.ContainsKey("X-Correlation-Id"))
        {
            throw new InvalidOperationException("The kernel route did not echo X-Correlation-Id: the response's OnStarting callbacks did not run.");
        }
    }

    /// <summary>Stops the apps and PostgreSQL.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _rateLimitedApp.StopAsync();
        await _rateLimitedApp.DisposeAsync();
        await _kernelApp.StopAsync();
        await _kernelApp.DisposeAsync();
        await _rawApp.StopAsync();
        await _rawApp.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>A plain Minimal API app, endpoint without auth.</summary>
    /// <returns>The status code.</returns>
    [Benchmark(Baseline = true)]
    public Task<int> Raw_MinimalApi() => _rawConnection.SendAsync(_raw);

    /// <summary>A plain Minimal API app whose endpoint reads the same identity headers the kernel's dev identity does.</summary>
    /// <returns>The status code.</returns>
    [Benchmark]
    public Task<int> Raw_MinimalApi_HeaderIdentity() => _rawConnection.SendAsync(_rawIdentity);

    /// <summary>The kernel app, endpoint marked <c>ExcludeFromKernel()</c>: the kernel middleware's pass-through cost.</summary>
    /// <returns>The status code.</returns>
    [Benchmark]
    public Task<int> KernelApp_ExcludedEndpoint() => _kernelConnection.SendAsync(_kernelOutside);

    /// <summary>A kernel route, <c>RouteAccess.Authenticated</c>, dev-header identity.</summary>
    /// <returns>The status code.</returns>
    [Benchmark]
    public Task<int> KernelRoute_Authenticated() => _kernelConnection.SendAsync(_kernelRoute);

    /// <summary>A kernel route, <c>RouteAccess.Permission</c> granted by the manifest default, role overrides cached.</summary>
    /// <returns>The status code.</returns>
    [Benchmark]
    public Task<int> KernelRoute_Granted() => _kernelConnection.SendAsync(_kernelPermitted);

    /// <summary>The same kernel route with rate limiting on: the actor's and the tenant's budget each give a permit.</summary>
    /// <returns>The status code.</returns>
    [Benchmark]
    public Task<int> KernelRoute_Authenticated_RateLimited() => _rateLimitedConnection.SendAsync(_kernelRoute);

    private static (string, string)[] DevHeaders() =>
    [
        ("X-Dev-Tenant", Tenant.ToString()),
        ("X-Dev-Actor", "bench-actor"),
        ("X-Dev-Roles", BenchAddon.MemberRole),
    ];

    private static async Task CheckAsync(InProcessConnection connection, InProcessRequest request)
    {
        var status = await connection.SendAsync(request);
        if (status != StatusCodes.Status200OK || connection.ResponseText != Hello.Json)
        {
            throw new InvalidOperationException($"GET {request.Path} answered {status}: {connection.ResponseText}");
        }
    }
}
