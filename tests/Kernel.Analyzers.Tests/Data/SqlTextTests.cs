using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Data.SqlTextAnalyzer>;
using VerifyFix = Kernel.Analyzers.Tests.Verifiers.CodeFixVerifier<
    Kernel.Analyzers.Data.SqlTextAnalyzer,
    Kernel.Analyzers.CodeFixes.ParameterizeSqlCodeFix>;

namespace Kernel.Analyzers.Tests.Data;

public sealed class SqlTextTests
{
    private const string Usings = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using Kernel;
        using LinqToDB;
        using LinqToDB.Data;
        using Npgsql;

        """;

    [Fact]
    public Task Interpolated_concatenated_and_formatted_sql_is_reported() =>
        Verify.VerifyAsync(
            Usings + """
            static class Store
            {
                public static async Task Run(IUnitOfWork work, NpgsqlCommand command, Guid id, string name)
                {
                    var db = await work.GetDbAsync();
                    db.Execute({|#0:$"delete from things where id = '{id}'"|});
                    db.Query<int>({|#1:"select n from things where name = '" + name + "'"|}).ToList();
                    await db.ExecuteAsync({|#2:string.Format("delete from things where name = '{0}'", name)|});
                    command.CommandText = {|#3:"select * from " + name|};
                    using var other = new NpgsqlCommand({|#4:$"select {name}"|});
                    db.FromSql<int>({|#5:"select " + name|}).ToList();
                    await work.QueryAsync<int>({|#6:"select n from things where name = '" + name + "'"|}, default);
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(0).WithArguments("Execute", "string interpolation"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(1).WithArguments("Query", "string concatenation"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(2).WithArguments("ExecuteAsync", "string.Format"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(3).WithArguments("NpgsqlCommand.CommandText", "string concatenation"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(4).WithArguments("new NpgsqlCommand", "string interpolation"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(5).WithArguments("FromSql", "string concatenation"),
            Verify.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(6).WithArguments("QueryAsync", "string concatenation"));

    [Fact]
    public Task Parameters_constants_and_FormattableString_overloads_are_fine() =>
        Verify.VerifyAsync(
            Usings + """
            static class Store
            {
                private const string Table = "things";

                public static async Task Run(IUnitOfWork work, NpgsqlCommand command, Guid id)
                {
                    var db = await work.GetDbAsync();
                    db.Execute("delete from things where id = @id", new DataParameter("id", id));
                    db.Execute("delete from " + Table + " where id = @id", new DataParameter("id", id));
                    db.Execute($"delete from {Table}");
                    db.FromSql<int>($"select n from things where id = {id}").ToList();
                    command.CommandText = "select 1";
                }
            }
            """);

    [Fact]
    public Task The_fix_turns_interpolation_holes_into_DataParameters() =>
        VerifyFix.VerifyAsync(
            Usings + """
            static class Store
            {
                public static async Task<int> Run(IUnitOfWork work, Guid id, string status)
                {
                    var db = await work.GetDbAsync();
                    return db.Execute({|#0:$"update things set status = {status} where id = {id}"|});
                }
            }
            """,
            Usings + """
            static class Store
            {
                public static async Task<int> Run(IUnitOfWork work, Guid id, string status)
                {
                    var db = await work.GetDbAsync();
                    return db.Execute("update things set status = @p0 where id = @p1", new DataParameter("p0", status), new DataParameter("p1", id));
                }
            }
            """,
            VerifyFix.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(0).WithArguments("Execute", "string interpolation"));

    [Fact]
    public Task The_fix_is_not_offered_where_it_is_not_mechanical()
    {
        var source = Usings + """
            static class Store
            {
                public static void Run(Guid id, decimal amount)
                {
                    using var command = new NpgsqlCommand({|#0:$"select {id}"|});
                    using var formatted = new NpgsqlCommand({|#1:$"select {amount:N2}"|});
                }
            }
            """;
        return VerifyFix.VerifyAsync(
            source,
            source,
            VerifyFix.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(0).WithArguments("new NpgsqlCommand", "string interpolation"),
            VerifyFix.Diagnostic(DiagnosticDescriptors.SqlFromStrings).WithLocation(1).WithArguments("new NpgsqlCommand", "string interpolation"));
    }
}
