using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.Extensions.Logging;

namespace Kernel.Tests.Routing;

public sealed class RouteLogScopeTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task A_failed_routes_error_log_line_carries_route_tenant_actor_and_correlation_id()
    {
        var logs = new CapturedLogs();
        await using var app = await TestHost.StartAsync(fixture.Database, configure: b => b.Logging.AddProvider(logs));
        var tenant = Guid.NewGuid();
        using var client = app.ClientAs(tenant, "alice");
        client.DefaultRequestHeaders.Add("X-Correlation-Id", "scope-test-1");

        using var response = await client.PostAsync("/api/widgets/explode", null);

        var failure = Assert.Single(logs.Entries, e => e.EventId.Id == 2001);
        Assert.Equal("widgets.explode", failure.Scope["Route"]);
        Assert.Equal(tenant.ToString(), failure.Scope["TenantId"]);
        Assert.Equal("alice", failure.Scope["ActorId"]);
        Assert.Equal("scope-test-1", failure.Scope["CorrelationId"]);
        Assert.True(failure.Scope.ContainsKey("TraceId"));
        Assert.Contains("widgets.explode", failure.ScopeText, StringComparison.Ordinal);
    }
}
