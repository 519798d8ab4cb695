using System.Diagnostics;
using System.Threading.RateLimiting;
using Kernel.Addons;
using Kernel.Limits;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Tests.Limits;

/// <summary>The kernel's two budgets on their own, as ASP.NET Core's middleware calls them: try, and once refused, ask again.</summary>
public sealed class KernelRateLimiterTests
{
    [Fact]
    public async Task A_request_its_tenants_spent_budget_refuses_takes_none_of_its_actors_permits_however_often_it_retries()
    {
        using var limiter = Limiter(tenantPermits: 2, actorPermits: 3);
        var tenant = Guid.NewGuid();
        var alice = Request(tenant, "alice");
        var bob = Request(tenant, "bob");
        Assert.True(limiter.Limiter.AttemptAcquire(alice).IsAcquired);
        Assert.True(limiter.Limiter.AttemptAcquire(alice).IsAcquired); // The tenant's budget is spent.

        for (var i = 0; i < 5; i++)
        {
            using var tried = limiter.Limiter.AttemptAcquire(bob);
            using var asked = await limiter.Limiter.AcquireAsync(bob);

            Assert.False(tried.IsAcquired);
            Assert.False(asked.IsAcquired);
            Assert.True(tried.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero);
        }

        Assert.Equal(3, limiter.Limiter.GetStatistics(bob)!.CurrentAvailablePermits);
        Assert.Equal(1, limiter.Limiter.GetStatistics(alice)!.CurrentAvailablePermits);
    }

    [Fact]
    public void An_actor_past_its_budget_is_refused_without_drawing_on_its_tenants()
    {
        using var limiter = Limiter(tenantPermits: 5, actorPermits: 1);
        var tenant = Guid.NewGuid();
        var alice = Request(tenant, "alice");
        Assert.True(limiter.Limiter.AttemptAcquire(alice).IsAcquired);

        for (var i = 0; i < 3; i++)
        {
            Assert.False(limiter.Limiter.AttemptAcquire(alice).IsAcquired);
        }

        // Four of the tenant's five permits are left for its other actors.
        var granted = Enumerable.Range(0, 6).Count(i => limiter.Limiter.AttemptAcquire(Request(tenant, $"actor-{i}")).IsAcquired);
        Assert.Equal(4, granted);
    }

    private static KernelRateLimiter Limiter(int tenantPermits, int actorPermits)
    {
        var options = new KernelOptions();
        options.RateLimiting.Enabled = true;
        options.RateLimiting.Default.TenantPermits = tenantPermits;
        options.RateLimiting.Default.ActorPermits = actorPermits;
        options.RateLimiting.Default.Window = TimeSpan.FromMinutes(1);
        return new KernelRateLimiter(Options.Create(options));
    }

    /// <summary>A request to a kernel route whose context the route wrapper established, as it publishes it.</summary>
    private static DefaultHttpContext Request(Guid tenant, string actor)
    {
        var http = new DefaultHttpContext();
        http.Features.Set(new KernelContext(tenant, new KernelActor(actor, new HashSet<string>()), "corr", default(ActivityContext)));
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new KernelRouteMetadata("tests.widgets", RouteAccess.Authenticated, "tests", "GET")), "tests.widgets"));
        return http;
    }
}
