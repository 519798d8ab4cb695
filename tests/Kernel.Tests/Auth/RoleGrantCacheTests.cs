using System.Net;
using System.Net.Http.Json;
using Kernel.Auth;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Tests.Auth;

public sealed class RoleGrantCacheTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    private static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> NoOverrides = new Dictionary<string, IReadOnlySet<string>>();

    [Fact]
    public void Nothing_is_cached_or_served_while_nobody_listens_for_changes()
    {
        var cache = new RoleGrantCache();
        var tenant = Guid.NewGuid();

        cache.Store(tenant, cache.Generation, NoOverrides);

        Assert.False(cache.TryGet(tenant, out _));
        cache.Listening();
        cache.Store(tenant, cache.Generation, NoOverrides);
        Assert.True(cache.TryGet(tenant, out _));
        cache.NotListening();
        Assert.False(cache.TryGet(tenant, out _));
    }

    [Fact]
    public void A_read_that_raced_an_eviction_is_not_cached()
    {
        var cache = new RoleGrantCache();
        cache.Listening();
        var tenant = Guid.NewGuid();
        var before = cache.Generation; // A request starts reading the tenant's overrides...

        cache.Evict(tenant); // ...a change commits meanwhile...
        cache.Store(tenant, before, NoOverrides); // ...and the older read arrives.

        Assert.False(cache.TryGet(tenant, out _));
        cache.Store(tenant, cache.Generation, NoOverrides);
        Assert.True(cache.TryGet(tenant, out _));
        cache.Evict(tenant);
        Assert.False(cache.TryGet(tenant, out _));
    }

    [Fact]
    public async Task A_revoked_grant_is_denied_on_the_next_request_on_the_instance_that_revoked_it_and_soon_after_on_the_others()
    {
        await using var first = await TestHost.StartAsync(fixture.Database);
        await using var second = await TestHost.StartAsync(fixture.Database);
        var tenant = Guid.NewGuid();
        using var admin = first.ClientAs(tenant, "admin-1", "admin");
        using var makerOnFirst = first.ClientAs(tenant, "maker-1", "maker");
        using var makerOnSecond = second.ClientAs(tenant, "maker-1", "maker");

        // Both instances hold the tenant's (default) grants in memory.
        await WarmAsync(first, makerOnFirst, tenant);
        await WarmAsync(second, makerOnSecond, tenant);

        var revoked = await admin.PutAsJsonAsync("/api/roles/maker/permissions", new { permissions = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(makerOnFirst)).StatusCode);
        Assert.True(await EventuallyAsync(async () => (await CreateAsync(makerOnSecond)).StatusCode == HttpStatusCode.Forbidden), "The other instance never saw the revocation.");

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("/api/roles/maker/permissions")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(makerOnFirst)).StatusCode);
        Assert.True(await EventuallyAsync(async () => (await CreateAsync(makerOnSecond)).StatusCode == HttpStatusCode.Created), "The other instance never saw the reset.");
    }

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client) => client.PostAsJsonAsync("/api/widgets", new { name = "w" });

    /// <summary>Calls a permission route until the instance has cached the tenant's grants (its listener is up).</summary>
    private static async Task WarmAsync(WebApplication app, HttpClient maker, Guid tenant)
    {
        var cache = app.Services.GetRequiredService<RoleGrantCache>();
        Assert.True(
            await EventuallyAsync(async () =>
            {
                Assert.Equal(HttpStatusCode.Created, (await CreateAsync(maker)).StatusCode);
                return cache.TryGet(tenant, out _);
            }),
            "The instance never cached the tenant's grants.");
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
