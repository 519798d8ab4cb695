using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Routing.RawEndpointMappingAnalyzer>;
using VerifyFix = Kernel.Analyzers.Tests.Verifiers.CodeFixVerifier<
    Kernel.Analyzers.Routing.RawEndpointMappingAnalyzer,
    Kernel.Analyzers.CodeFixes.ExcludeFromKernelCodeFix>;

namespace Kernel.Analyzers.Tests.Routing;

public sealed class RawEndpointMappingTests
{
    [Theory]
    [InlineData("MapGet(\"/x\", () => \"x\")", "MapGet")]
    [InlineData("MapPost(\"/x\", () => \"x\")", "MapPost")]
    [InlineData("MapPut(\"/x\", () => \"x\")", "MapPut")]
    [InlineData("MapPatch(\"/x\", () => \"x\")", "MapPatch")]
    [InlineData("MapDelete(\"/x\", () => \"x\")", "MapDelete")]
    [InlineData("MapMethods(\"/x\", new[] { \"GET\" }, () => \"x\")", "MapMethods")]
    [InlineData("Map(\"/x\", () => \"x\")", "Map")]
    [InlineData("MapFallback(() => \"x\")", "MapFallback")]
    public Task Raw_mappings_in_a_kernel_app_are_reported(string call, string method) =>
        Verify.VerifyAsync(
            $$"""
            using Microsoft.AspNetCore.Builder;

            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    {|#0:app.{{call}}|};
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.RawEndpointMapping).WithLocation(0).WithArguments(method));

    [Fact]
    public Task A_mapping_chained_into_ExcludeFromKernel_is_deliberate() =>
        Verify.VerifyAsync(
            """
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;

            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/health/live", () => "ok").ExcludeFromKernel();
                    app.MapPost("/token", () => Results.Ok()).WithName("token").ExcludeFromKernel().WithDisplayName("token");
                }
            }
            """);

    [Fact]
    public Task A_mapping_whose_builder_is_used_elsewhere_is_still_reported() =>
        Verify.VerifyAsync(
            """
            using Microsoft.AspNetCore.Builder;

            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    var builder = {|#0:app.MapGet("/x", () => "x")|};
                    builder.WithName("x");
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.RawEndpointMapping).WithLocation(0).WithArguments("MapGet"));

    [Fact]
    public Task Kernel_routes_and_groups_are_not_reported() =>
        Verify.VerifyAsync(
            """
            using Kernel;
            using Microsoft.AspNetCore.Builder;

            sealed class Things : IAddon
            {
                public AddonManifest Manifest { get; } = new() { Name = "things", Version = "1", Summary = "s" };

                public void MapRoutes(KernelRouteGroup routes)
                {
                    var group = routes.MapGroup("/things");
                    group.MapGet("", "things.list", RouteAccess.Authenticated, () => "x");
                    group.MapPost("", "things.create", RouteAccess.Authenticated, () => "x");
                }

                public static void Prefix(WebApplication app) => app.MapGroup("/api");
            }
            """);

    [Fact]
    public Task The_fix_chains_ExcludeFromKernel() =>
        VerifyFix.VerifyAsync(
            """
            using Microsoft.AspNetCore.Builder;

            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    {|#0:app.MapGet("/health/live", () => "ok")|};
                }
            }
            """,
            """
            using Microsoft.AspNetCore.Builder;

            static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapGet("/health/live", () => "ok").ExcludeFromKernel();
                }
            }
            """,
            VerifyFix.Diagnostic(DiagnosticDescriptors.RawEndpointMapping).WithLocation(0).WithArguments("MapGet"));
}
