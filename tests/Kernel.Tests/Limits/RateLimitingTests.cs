using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Kernel.Tests.Limits;

/// <summary>
/// Kernel routes under ASP.NET Core's rate limiter: per tenant and per actor (anonymous: per client address), per-route
/// policies, 429 RATE_LIMITED with Retry-After in the envelope. Windows are a minute long, so nothing replenishes mid-test.
/// </summary>
public sealed class RateLimitingTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task An_actor_past_its_permits_gets_429_with_retry_after_in_the_envelope_and_another_actor_still_passes()
    {
        await using var app = await StartAsync();
        var tenant = Guid.NewGuid();
        using var alice = app.ClientAs(tenant, "alice");
        using var bob = app.ClientAs(tenant, "bob");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await alice.GetAsync("/api/widgets")).StatusCode);
        }

        var refused = await alice.GetAsync("/api/widgets");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        var problem = await AssertRateLimitedAsync(refused);
        Assert.InRange((int)problem["retryAfter"]!, 1, 60);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/widgets")).StatusCode);
    }

    [Fact]
    public async Task A_tenant_past_its_permits_is_refused_for_every_actor_while_other_tenants_pass()
    {
        await using var app = await StartAsync();
        var tenant = Guid.NewGuid();
        var statuses = new List<HttpStatusCode>();
        foreach (var actor in new[] { "a1", "a1", "a2", "a2", "a3" })
        {
            using var client = app.ClientAs(tenant, actor);
            statuses.Add((await client.GetAsync("/api/widgets")).StatusCode);
        }

        using var fresh = app.ClientAs(tenant, "a4");
        using var other = app.ClientAs(Guid.NewGuid(), "a1");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await AssertRateLimitedAsync(await fresh.GetAsync("/api/widgets"));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/widgets")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_are_limited_per_client_address()
    {
        await using var app = await StartAsync();
        using var anonymous = app.ClientAs(null, null);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/ping")).StatusCode);
        }

        await AssertRateLimitedAsync(await anonymous.GetAsync("/api/ping"));
    }

    [Fact]
    public async Task A_route_with_its_own_policy_has_its_own_budget()
    {
        await using var app = await StartAsync();
        using var alice = app.ClientAs(Guid.NewGuid(), "alice");

        var first = await alice.GetAsync("/api/widgets/expensive");
        var second = await alice.GetAsync("/api/widgets/expensive");
        var elsewhere = await alice.GetAsync("/api/widgets");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRateLimitedAsync(second);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_refused_actor_is_admitted_again_once_its_window_has_passed()
    {
        await using var app = await TestHost.StartAsync(fixture.Database, configure: b =>
        {
            b.Configuration["Kernel:RateLimiting:Enabled"] = "true";
            b.Configuration["Kernel:RateLimiting:Default:ActorPermits"] = "1";
            b.Configuration["Kernel:RateLimiting:Default:Window"] = "00:00:01";
            b.Configuration["Kernel:RateLimiting:Policies:expensive:ActorPermits"] = "1";
        });
        using var alice = app.ClientAs(Guid.NewGuid(), "alice");

        // One permit a second: a window may replenish between any two requests on a loaded machine, so the test asks
        // until it is refused (a limiter that never refuses fails here), every answer before that being a 200.
        var response = await alice.GetAsync("/api/widgets");
        for (var i = 0; i < 20 && response.StatusCode == HttpStatusCode.OK; i++)
        {
            response = await alice.GetAsync("/api/widgets");
        }

        await AssertRateLimitedAsync(response);

        // The partitions' shared timer replenishes the window; poll rather than assume when.
        var admitted = false;
        for (var i = 0; i < 100 && !admitted; i++)
        {
            await Task.Delay(100);
            admitted = (await alice.GetAsync("/api/widgets")).StatusCode == HttpStatusCode.OK;
        }

        Assert.True(admitted, "The actor was still refused 10 seconds after a one-second window.");
    }

    [Fact]
    public async Task Rate_limiting_is_off_unless_enabled()
    {
        await using var app = await StartAsync(enabled: false);
        using var alice = app.ClientAs(Guid.NewGuid(), "alice");

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/widgets/expensive")).StatusCode);
        }
    }

    [Fact]
    public async Task Start_up_refuses_a_route_naming_a_policy_that_is_not_configured()
    {
        await using var app = TestHost.Build(fixture.Database, configure: b =>
        {
            b.Configuration["Kernel:RateLimiting:Enabled"] = "true";
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("widgets.expensive names 'expensive'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Default:ActorPermits", "0", "TenantPermits and ActorPermits must be at least 1")]
    [InlineData("Default:ActorPermits", "7000", "must not exceed TenantPermits")]
    [InlineData("Policies:expensive:Window", "00:00:00", "Window must be from 1 second to 1 day")]
    public async Task Invalid_limits_fail_start_up_with_the_setting_named(string key, string value, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture.Database, configure: b =>
        {
            b.Configuration["Kernel:RateLimiting:Policies:expensive:ActorPermits"] = "1";
            b.Configuration[$"Kernel:RateLimiting:{key}"] = value;
        }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private Task<WebApplication> StartAsync(bool enabled = true) => TestHost.StartAsync(fixture.Database, configure: b =>
    {
        b.Configuration["Kernel:RateLimiting:Enabled"] = enabled ? "true" : "false";
        b.Configuration["Kernel:RateLimiting:Default:TenantPermits"] = "5";
        b.Configuration["Kernel:RateLimiting:Default:ActorPermits"] = "3";
        b.Configuration["Kernel:RateLimiting:Policies:expensive:TenantPermits"] = "1";
        b.Configuration["Kernel:RateLimiting:Policies:expensive:ActorPermits"] = "1";
    });

    private static async Task<JsonObject> AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("RATE_LIMITED", (string?)problem["code"]);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Equal((int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, (int)problem["retryAfter"]!);
        Assert.True(response.Headers.Contains("X-Correlation-Id"));
        return problem;
    }
}
