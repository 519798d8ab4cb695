using Microsoft.AspNetCore.Http;

namespace Kernel.Benchmarks.Bench;

/// <summary>
/// What the benchmarks measure the kernel with: a trivial JSON route (authenticated, and behind a permission), a
/// permission granted to <c>member</c> by default, a no-op tenant job, and a tenant table (its migration).
/// </summary>
internal sealed class BenchAddon : IAddon
{
    public const string ReadPermission = "bench.read";
    public const string MemberRole = "member";

    public const string HelloPath = "/api/bench/hello";
    public const string HelloPermittedPath = "/api/bench/hello-permitted";

    public AddonManifest Manifest { get; } = new()
    {
        Name = "bench",
        Version = "1.0.0",
        Summary = "Benchmark probes: a trivial route, a permission, a no-op job and a tenant table.",
        Permissions = [new PermissionDefinition(ReadPermission, "Read the bench probes.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>> { [MemberRole] = [ReadPermission] },
        Jobs = [NoopJob.Definition],
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        routes.MapGet("/bench/hello", "bench.hello", RouteAccess.Authenticated, static () => TypedResults.Ok(Hello.Instance));
        routes.MapGet("/bench/hello-permitted", "bench.hello_permitted", RouteAccess.Permission(ReadPermission), static () => TypedResults.Ok(Hello.Instance));
    }
}
