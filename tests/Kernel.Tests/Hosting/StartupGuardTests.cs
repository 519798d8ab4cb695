using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kernel.Tests.Hosting;

public sealed class StartupGuardTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task An_endpoint_that_bypasses_the_kernel_stops_start_up_and_is_named()
    {
        await using var app = TestHost.Build(fixture.Database, map: app => app.MapGet("/sneaky", () => "hi"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("bypass the kernel", error.Message, StringComparison.Ordinal);
        Assert.Contains("/sneaky", error.Message, StringComparison.Ordinal);
        Assert.Contains("ExcludeFromKernel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_marked_outside_the_kernel_is_allowed()
    {
        await using var app = await TestHost.StartAsync(fixture.Database, map: app => app.MapGet("/health/live", () => "ok").ExcludeFromKernel());

        using var client = app.ClientAs(null, null);
        Assert.Equal("ok", await client.GetStringAsync("/health/live"));
    }

    [Fact]
    public async Task Dev_headers_outside_development_stop_start_up_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHost.StartAsync(fixture.Database, environment: "Production", configure: b => b.Configuration["Kernel:Auth:EnableDevHeaders"] = "true"));

        Assert.Contains("EnableDevHeaders is on in the 'Production' environment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_string_stops_start_up_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(fixture.Database, configure: b =>
        {
            b.Configuration["ConnectionStrings:Kernel"] = null;
            b.Configuration["ConnectionStrings:KernelOwner"] = null;
        }));

        Assert.Contains("ConnectionStrings:Kernel", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00.500")]
    [InlineData("00:00:02.500")]
    [InlineData("00:11:00")]
    public async Task A_database_timeout_that_is_not_whole_seconds_from_1_s_to_10_min_stops_start_up(string timeout)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestHost.StartAsync(fixture.Database, configure: b => b.Configuration["Kernel:Database:Timeout"] = timeout));

        Assert.Contains("Kernel:Database:Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_timeout_bounds_both_connecting_and_each_statement_of_the_runtime_data_source()
    {
        await using var app = await TestHost.StartAsync(fixture.Database, configure: b => b.Configuration["Kernel:Database:Timeout"] = "00:00:07");

        var settings = new Npgsql.NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<Kernel.Data.KernelDataSource>().DataSource.ConnectionString);
        Assert.Equal((7, 7), (settings.Timeout, settings.CommandTimeout));
        Assert.Null(settings.Password); // What the data source shows (e.g. to a log line) carries no secret.
    }

    [Fact]
    public async Task Running_as_the_owner_role_is_refused()
    {
        await using var app = TestHost.Build(fixture.Database, runtimeConnectionString: fixture.Database.OwnerConnectionString);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("would bypass row-level security", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_route_requiring_an_undeclared_permission_is_refused_at_mapping()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            TestHost.Build(fixture.Database, configure: b => b.Services.AddKernel(b.Configuration).AddAddon<TypoAddon>()));

        Assert.Contains("typo.go requires 'widgets.wirte'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_addon_with_a_missing_dependency_is_refused_at_mapping()
    {
        var error = Assert.Throws<AddonGraphException>(() =>
            TestHost.Build(fixture.Database, configure: b => b.Services.AddKernel(b.Configuration).AddAddon<OrphanAddon>()));

        Assert.Contains("'orphan' depends on 'billing'", error.Message, StringComparison.Ordinal);
    }

    private sealed class TypoAddon : IAddon
    {
        public AddonManifest Manifest { get; } = new() { Name = "typo", Version = "1", Summary = "typo", DependsOn = ["widgets"] };

        public void MapRoutes(KernelRouteGroup routes) =>
            routes.MapPost("/typo", "typo.go", RouteAccess.Permission("widgets.wirte"), () => Results.NoContent());
    }

    private sealed class OrphanAddon : IAddon
    {
        public AddonManifest Manifest { get; } = new() { Name = "orphan", Version = "1", Summary = "orphan", DependsOn = ["billing"] };
    }
}
