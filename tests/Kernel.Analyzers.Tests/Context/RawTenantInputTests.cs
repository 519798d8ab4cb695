using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Context.RawTenantInputAnalyzer>;

namespace Kernel.Analyzers.Tests.Context;

public sealed class RawTenantInputTests
{
    [Theory]
    [InlineData("http.Request.Headers[\"X-Tenant-Id\"]", "a request header", "X-Tenant-Id")]
    [InlineData("http.Request.Query[\"tenant\"]", "the query string", "tenant")]
    [InlineData("http.Request.RouteValues[\"actorId\"]", "the route values", "actorId")]
    [InlineData("http.Request.Cookies[\"tenant\"]", "a cookie", "tenant")]
    [InlineData("http.GetRouteValue(\"tenantId\")", "the route values", "tenantId")]
    [InlineData("http.User.FindFirst(\"tenant_id\")", "a claim", "tenant_id")]
    [InlineData("http.User.FindFirstValue(\"sub\")", "a claim", "sub")]
    [InlineData("http.User.FindFirstValue(ClaimTypes.NameIdentifier)", "a claim", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier")]
    [InlineData("http.User.Claims.First(c => {|#1:c.Type == \"tid\"|})", "a claim", "tid")]
    public Task Reading_the_tenant_or_actor_from_the_request_is_reported(string read, string source, string key)
    {
        // Most cases flag the whole read; the claim-predicate case flags the comparison inside the lambda.
        var marked = read.Contains("{|#1:", StringComparison.Ordinal) ? read : "{|#1:" + read + "|}";
        return Verify.VerifyAsync(
            $$"""
            using System.Linq;
            using System.Security.Claims;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Routing;

            static class Handlers
            {
                public static object? Read(HttpContext http) => {{marked}};
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.RawTenantInput).WithLocation(1).WithArguments(source, key));
    }

    [Fact]
    public Task TryGetValue_on_headers_is_reported() =>
        Verify.VerifyAsync(
            """
            using Microsoft.AspNetCore.Http;

            static class Handlers
            {
                public static string? Read(HttpContext http) =>
                    {|#0:http.Request.Headers.TryGetValue("X-Tenant", out var tenant)|} ? tenant.ToString() : null;
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.RawTenantInput).WithLocation(0).WithArguments("a request header", "X-Tenant"));

    [Fact]
    public Task Kernel_route_handler_parameters_bound_to_a_tenant_are_reported() =>
        Verify.VerifyAsync(
            """
            using System;
            using Kernel;
            using Microsoft.AspNetCore.Mvc;

            sealed class Things : IAddon
            {
                public AddonManifest Manifest { get; } = new() { Name = "things", Version = "1", Summary = "s" };

                public void MapRoutes(KernelRouteGroup routes)
                {
                    routes.MapGet("/{tenantId}/things", "things.list", RouteAccess.Authenticated, (Guid {|#0:tenantId|}) => "x");
                    routes.MapGet("/things", "things.mine", RouteAccess.Authenticated, ([FromHeader(Name = "X-Actor")] string {|#1:who|}) => who);
                    routes.MapGet("/me", "things.me", RouteAccess.Authenticated, Me);
                }

                private static string Me([FromQuery] string {|#2:tenant|}) => tenant;
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.RawTenantInput).WithLocation(0).WithArguments("a route handler parameter", "tenantId"),
            Verify.Diagnostic(DiagnosticDescriptors.RawTenantInput).WithLocation(1).WithArguments("a request header", "X-Actor"),
            Verify.Diagnostic(DiagnosticDescriptors.RawTenantInput).WithLocation(2).WithArguments("the query string", "tenant"));

    [Fact]
    public Task The_KernelContext_and_unrelated_input_are_fine() =>
        Verify.VerifyAsync(
            """
            using System;
            using System.Security.Claims;
            using Kernel;
            using Microsoft.AspNetCore.Http;
            using Microsoft.AspNetCore.Mvc;

            sealed class Things : IAddon
            {
                public AddonManifest Manifest { get; } = new() { Name = "things", Version = "1", Summary = "s" };

                public void MapRoutes(KernelRouteGroup routes)
                {
                    routes.MapGet("/{id:guid}", "things.get", RouteAccess.Authenticated,
                        (Guid id, [FromQuery] string? cursor, IKernelContextAccessor kernel, HttpContext http) =>
                        {
                            var tenant = kernel.Current.RequiredTenantId;
                            var etag = http.Request.Headers["If-Match"];
                            var name = http.User.FindFirstValue("name");
                            return $"{tenant}{etag}{name}{id}{cursor}";
                        });
                }
            }
            """);
}
