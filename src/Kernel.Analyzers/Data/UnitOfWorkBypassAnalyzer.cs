using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Data;

/// <summary>
/// KRN3001: code that reaches PostgreSQL around the kernel's unit of work — <c>new NpgsqlConnection</c>,
/// <c>new NpgsqlCommand</c>, <c>NpgsqlDataSource.Create…</c>, a data source builder, opening connections or
/// commands from a data source, or creating linq2db <c>DataConnection</c>s / <c>DataContext</c>s directly. Such
/// work runs without <c>app.tenant_id</c>, so row-level security cannot isolate tenants. Every project that
/// references the kernel is checked, with or without an <c>IAddon</c>: an app that keeps its features in the host
/// project is as exposed as an addon. The composition root's deliberate exceptions (a tool, a separate service's
/// pool) are suppressed one type or member at a time with a justification (docs/rules/KRN3001.md).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnitOfWorkBypassAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.UnitOfWorkBypass];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        var created = new[]
        {
            types.NpgsqlConnection, types.NpgsqlCommand, types.NpgsqlBatch, types.NpgsqlDataSourceBuilder,
            types.NpgsqlSlimDataSourceBuilder, types.DataConnection, types.DataContext,
        }.Where(t => t is not null).Cast<INamedTypeSymbol>().ToImmutableArray();
        var opened = new[] { types.DbConnection, types.DbCommand, types.DbBatch, types.DbDataSource }
            .Where(t => t is not null).Cast<INamedTypeSymbol>().ToImmutableArray();
        if (created.IsEmpty)
        {
            return;
        }

        context.RegisterOperationAction(
            operation =>
            {
                var creation = (IObjectCreationOperation)operation.Operation;
                if (creation.Type is { } type && created.Any(t => WellKnownTypes.DerivesFrom(type, t)))
                {
                    operation.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.UnitOfWorkBypass, creation.Syntax.GetLocation(), "new " + type.Name));
                }
            },
            OperationKind.ObjectCreation);

        context.RegisterOperationAction(
            operation =>
            {
                // dataSource.OpenConnection(), NpgsqlDataSource.Create(...), dataSource.CreateCommand(...)
                var invocation = (IInvocationOperation)operation.Operation;
                var method = invocation.TargetMethod;
                if (types.DbDataSource is not { } dataSource
                    || !WellKnownTypes.DerivesFrom(method.ContainingType, dataSource)
                    || !opened.Any(t => WellKnownTypes.DerivesFrom(Unwrap(method.ReturnType), t)))
                {
                    return;
                }

                operation.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnitOfWorkBypass, invocation.Syntax.GetLocation(), method.ContainingType.Name + "." + method.Name));
            },
            OperationKind.Invocation);
    }

    /// <summary>The T of <c>Task&lt;T&gt;</c> / <c>ValueTask&lt;T&gt;</c>, else the type itself.</summary>
    private static ITypeSymbol Unwrap(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic ? generic.TypeArguments[0] : type;
}
