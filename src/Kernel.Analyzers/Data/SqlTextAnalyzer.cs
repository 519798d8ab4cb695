using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Data;

/// <summary>
/// KRN3002: SQL text built by string interpolation, concatenation, <c>string.Format</c> or
/// <c>string.Concat</c> and passed to a command (<c>new NpgsqlCommand(…)</c>, <c>CommandText = …</c>) or to
/// linq2db's raw-SQL APIs (<c>Execute</c>, <c>Query</c>, <c>FromSql</c>, <c>CommandInfo</c>, …). An interpolated
/// string that binds to a <c>FormattableString</c> overload is parameterised by linq2db and is fine.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SqlTextAnalyzer : KernelAnalyzer
{
    /// <summary>Diagnostic property set when the SQL is an interpolated string (the code fix can parameterise it).</summary>
    internal const string InterpolatedProperty = "Interpolated";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.SqlFromStrings];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        var stringType = context.Compilation.GetSpecialType(SpecialType.System_String);
        var builders = stringType.GetMembers("Format").Concat(stringType.GetMembers("Concat"))
            .OfType<IMethodSymbol>()
            .ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        context.RegisterOperationAction(
            operation =>
            {
                var argument = (IArgumentOperation)operation.Operation;
                if (argument.Parameter is { } parameter && IsSqlParameter(parameter, types))
                {
                    var name = parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor
                        ? "new " + ctor.ContainingType.Name
                        : parameter.ContainingSymbol.Name;
                    Check(operation, argument.Value, name, builders);
                }
            },
            OperationKind.Argument);

        context.RegisterOperationAction(
            operation =>
            {
                var assignment = (ISimpleAssignmentOperation)operation.Operation;
                if (assignment.Target is IPropertyReferenceOperation { Property: var property } && IsCommandText(property, types))
                {
                    Check(operation, assignment.Value, property.ContainingType.Name + ".CommandText", builders);
                }
            },
            OperationKind.SimpleAssignment);
    }

    private static bool IsSqlParameter(IParameterSymbol parameter, WellKnownTypes types)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method)
        {
            return false;
        }

        var isText = parameter.Type.SpecialType == SpecialType.System_String
            || SymbolEqualityComparer.Default.Equals(parameter.Type, types.RawSqlString);
        if (!isText)
        {
            return false;
        }

        // new NpgsqlCommand("…", connection), new NpgsqlBatchCommand("…")
        if (method.MethodKind == MethodKind.Constructor && parameter.Ordinal == 0
            && (SymbolEqualityComparer.Default.Equals(method.ContainingType, types.NpgsqlCommand)
                || SymbolEqualityComparer.Default.Equals(method.ContainingType, types.NpgsqlBatchCommand)))
        {
            return true;
        }

        // The kernel's typed SQL reads on the unit of work (UnitOfWorkSqlExtensions.QueryAsync, …) pass sql to linq2db.
        if (parameter.Name == "sql" && method.ContainingType is { Name: "UnitOfWorkSqlExtensions", ContainingNamespace: { Name: "Kernel", ContainingNamespace.IsGlobalNamespace: true } })
        {
            return true;
        }

        // linq2db names its SQL-text parameters consistently: sql (Execute, Query, FromSql, …) and commandText (CommandInfo).
        return types.Linq2DbAssembly is { } linq2db
            && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, linq2db)
            && parameter.Name is "sql" or "commandText";
    }

    private static bool IsCommandText(IPropertySymbol property, WellKnownTypes types)
    {
        for (var current = property; current is not null; current = current.OverriddenProperty)
        {
            if (SymbolEqualityComparer.Default.Equals(current, types.DbCommandText)
                || SymbolEqualityComparer.Default.Equals(current, types.DbBatchCommandText))
            {
                return true;
            }
        }

        return false;
    }

    private static void Check(OperationAnalysisContext context, IOperation value, string target, ImmutableHashSet<IMethodSymbol> builders)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value.ConstantValue.HasValue)
        {
            return;
        }

        var properties = ImmutableDictionary<string, string?>.Empty;
        string how;
        switch (value)
        {
            case IInterpolatedStringOperation when value.Type?.SpecialType == SpecialType.System_String:
                how = "string interpolation";
                properties = properties.Add(InterpolatedProperty, "true");
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } when value.Type?.SpecialType == SpecialType.System_String:
                how = "string concatenation";
                break;
            case IInvocationOperation invocation when builders.Contains(invocation.TargetMethod.OriginalDefinition):
                how = "string." + invocation.TargetMethod.Name;
                break;
            default:
                return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.SqlFromStrings, value.Syntax.GetLocation(), properties, target, how));
    }
}
