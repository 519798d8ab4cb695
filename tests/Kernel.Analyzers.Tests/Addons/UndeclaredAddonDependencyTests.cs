using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Addons.UndeclaredAddonDependencyAnalyzer>;

namespace Kernel.Analyzers.Tests.Addons;

public sealed class UndeclaredAddonDependencyTests
{
    private const string Billing = """
        using Kernel;

        namespace Billing;

        public sealed class BillingAddon : IAddon
        {
            public const string Name = "billing";

            public AddonManifest Manifest { get; } = new() { Name = Name, Version = "1", Summary = "s" };
        }

        public static class Invoices
        {
            public const string ReadPermission = "billing.read";

            public static decimal Total(System.Guid customer) => 0m;
        }
        """;

    private static string Reports(string dependsOn) => $$"""
        using Kernel;

        public sealed class ReportsAddon : IAddon
        {
            public AddonManifest Manifest { get; } = new() { Name = "reports", Version = "1", Summary = "s"{{dependsOn}} };

            public static decimal Sum(System.Guid customer) => {|#0:Billing.Invoices.Total(customer)|};
        }
        """;

    [Fact]
    public Task Using_an_undeclared_addon_is_reported() =>
        Verify.VerifyWithReferenceAsync(
            Reports(""),
            "Billing",
            Billing,
            Verify.Diagnostic(DiagnosticDescriptors.UndeclaredAddonDependency).WithLocation(0).WithArguments("reports", "Invoices", "billing"));

    [Theory]
    [InlineData(", DependsOn = [\"billing\"]")]
    [InlineData(", DependsOn = [Billing.BillingAddon.Name]")]
    [InlineData(", DependsOn = new[] { \"billing\" }")]
    public Task A_declared_dependency_is_fine(string dependsOn) =>
        Verify.VerifyWithReferenceAsync(Reports(dependsOn).Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal), "Billing", Billing);

    [Fact]
    public Task A_DependsOn_that_is_not_constant_is_not_judged() =>
        Verify.VerifyWithReferenceAsync(
            Reports(", DependsOn = Deps()").Replace("{|#0:", "", StringComparison.Ordinal).Replace("|}", "", StringComparison.Ordinal)
                .Replace("public static decimal Sum", "private static string[] Deps() => [];\n    public static decimal Sum", StringComparison.Ordinal),
            "Billing",
            Billing);

    [Fact]
    public Task Using_the_kernel_or_a_library_that_is_not_an_addon_is_fine() =>
        Verify.VerifyWithReferenceAsync(
            """
            using Kernel;

            public sealed class ReportsAddon : IAddon
            {
                public AddonManifest Manifest { get; } = new() { Name = "reports", Version = "1", Summary = "s" };

                public static string Format(decimal d) => Util.Money.Format(d) + RouteAccess.Public;
            }
            """,
            "Util",
            """
            namespace Util;

            public static class Money
            {
                public static string Format(decimal d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            """);
}
