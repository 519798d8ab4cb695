using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Data.UnitOfWorkBypassAnalyzer>;

namespace Kernel.Analyzers.Tests.Data;

public sealed class UnitOfWorkBypassTests
{
    private const string Addon = """
        using System.Threading.Tasks;
        using Kernel;
        using LinqToDB;
        using LinqToDB.Data;
        using Npgsql;

        public sealed class ThingsAddon : IAddon
        {
            public AddonManifest Manifest { get; } = new() { Name = "things", Version = "1", Summary = "s" };
        }

        """;

    [Fact]
    public Task Connections_commands_and_data_sources_made_by_hand_are_reported() =>
        Verify.VerifyAsync(
            Addon + """
            static class Store
            {
                public static async Task Run(string cs, NpgsqlDataSource source)
                {
                    using var connection = {|#0:new NpgsqlConnection(cs)|};
                    using var command = {|#1:new NpgsqlCommand("select 1")|};
                    using var dataSource = {|#2:NpgsqlDataSource.Create(cs)|};
                    var builder = {|#3:new NpgsqlDataSourceBuilder(cs)|};
                    await using var opened = await {|#4:source.OpenConnectionAsync()|};
                    using var db = {|#5:new DataConnection(new DataOptions().UsePostgreSQL(cs))|};
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(0).WithArguments("new NpgsqlConnection"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(1).WithArguments("new NpgsqlCommand"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(2).WithArguments("NpgsqlDataSource.Create"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(3).WithArguments("new NpgsqlDataSourceBuilder"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(4).WithArguments("NpgsqlDataSource.OpenConnectionAsync"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(5).WithArguments("new DataConnection"));

    [Fact]
    public Task A_derived_DataConnection_is_reported() =>
        Verify.VerifyAsync(
            Addon + """
            sealed class MyDb(DataOptions options) : DataConnection(options);

            static class Store
            {
                public static void Run(DataOptions options)
                {
                    using var db = {|#0:new MyDb(options)|};
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(0).WithArguments("new MyDb"));

    [Fact]
    public Task The_unit_of_work_is_fine() =>
        Verify.VerifyAsync(
            Addon + """
            static class Store
            {
                public static async Task<int> Run(IUnitOfWork work)
                {
                    var db = await work.GetDbAsync();
                    return await db.ExecuteAsync("select 1");
                }
            }
            """);

    [Fact]
    public Task A_project_without_an_addon_is_checked_too() =>
        Verify.VerifyAsync(
            """
            using Npgsql;

            static class Features
            {
                public static NpgsqlConnection Open(string cs) => {|#0:new NpgsqlConnection(cs)|};

                public static NpgsqlDataSource Pool(string cs) => {|#1:NpgsqlDataSource.Create(cs)|};
            }

            static class KernelIsReferenced
            {
                public static System.Type T => typeof(Kernel.IAddon);
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(0).WithArguments("new NpgsqlConnection"),
            Verify.Diagnostic(DiagnosticDescriptors.UnitOfWorkBypass).WithLocation(1).WithArguments("NpgsqlDataSource.Create"));

    [Fact]
    public Task A_justified_suppression_on_a_composition_root_type_is_the_way_out() =>
        Verify.VerifyAsync(
            """
            using System.Diagnostics.CodeAnalysis;
            using Npgsql;

            [SuppressMessage("Kernel.Data", "KRN3001", Justification = "A maintenance tool that runs as the owner role, outside any tenant.")]
            static class MaintenanceTool
            {
                public static NpgsqlDataSource Pool(string cs) => NpgsqlDataSource.Create(cs);
            }

            static class KernelIsReferenced
            {
                public static System.Type T => typeof(Kernel.IAddon);
            }
            """);
}
