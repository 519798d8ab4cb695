using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Routing.UndeclaredPermissionAnalyzer>;

namespace Kernel.Analyzers.Tests.Routing;

public sealed class UndeclaredPermissionTests
{
    private const string Addon = """
        using Kernel;

        public static class ThingPermissions
        {
            public const string Read = "things.read";
        }

        public sealed class ThingsAddon : IAddon
        {
            public AddonManifest Manifest { get; } = new()
            {
                Name = "things",
                Version = "1",
                Summary = "s",
                Permissions =
                [
                    new PermissionDefinition(ThingPermissions.Read, "Read things."),
                    new PermissionDefinition("things.write", "Write things."),
                ],
            };

        """;

    [Fact]
    public Task A_typo_in_a_permission_name_is_an_error() =>
        Verify.VerifyAsync(
            Addon + """
                public void MapRoutes(KernelRouteGroup routes) =>
                    routes.MapGet("/things", "things.list", RouteAccess.Permission({|#0:"things.raed"|}), () => "x");
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.UndeclaredPermission).WithLocation(0).WithArguments("things.raed"));

    [Fact]
    public Task Declared_permissions_by_literal_or_constant_are_fine() =>
        Verify.VerifyAsync(
            Addon + """
                public void MapRoutes(KernelRouteGroup routes)
                {
                    routes.MapGet("/things", "things.list", RouteAccess.Permission(ThingPermissions.Read), () => "x");
                    routes.MapPost("/things", "things.create", RouteAccess.Permission("things.write"), () => "x");
                    routes.MapGet("/me", "things.me", RouteAccess.Authenticated, () => "x");
                }
            }
            """);

    [Fact]
    public Task A_permission_name_computed_at_run_time_is_not_judged() =>
        Verify.VerifyAsync(
            Addon + """
                public void MapRoutes(KernelRouteGroup routes)
                {
                    var name = string.Concat("things.", "read");
                    routes.MapGet("/things", "things.list", RouteAccess.Permission(name), () => "x");
                }
            }
            """);

    [Fact]
    public Task Nothing_is_reported_when_a_declaration_is_not_a_constant() =>
        Verify.VerifyAsync(
            """
            using Kernel;

            public sealed class ThingsAddon : IAddon
            {
                private static readonly string Dynamic = "things." + System.Environment.MachineName;

                public AddonManifest Manifest { get; } = new()
                {
                    Name = "things",
                    Version = "1",
                    Summary = "s",
                    Permissions = [new PermissionDefinition(Dynamic, "Dynamic.")],
                };

                public void MapRoutes(KernelRouteGroup routes) =>
                    routes.MapGet("/things", "things.list", RouteAccess.Permission("things.other"), () => "x");
            }
            """);

    [Fact]
    public Task Permissions_of_referenced_addon_assemblies_are_not_judged() =>
        Verify.VerifyWithReferenceAsync(
            """
            using Kernel;

            public sealed class ReportsAddon : IAddon
            {
                public AddonManifest Manifest { get; } = new() { Name = "reports", Version = "1", Summary = "s", DependsOn = ["things"] };

                public void MapRoutes(KernelRouteGroup routes) =>
                    routes.MapGet("/reports", "reports.list", RouteAccess.Permission("things.read"), () => "x");
            }
            """,
            "Things",
            """
            using Kernel;

            public sealed class ThingsAddon : IAddon
            {
                public const string Name = "things";

                public AddonManifest Manifest { get; } = new()
                {
                    Name = Name,
                    Version = "1",
                    Summary = "s",
                    Permissions = [new PermissionDefinition("things.read", "Read things.")],
                };
            }
            """);
}
