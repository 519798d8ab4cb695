using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Routing;

/// <summary>
/// KRN1001: a raw ASP.NET Core endpoint mapping (<c>MapGet</c>, <c>MapPost</c>, …, <c>MapMethods</c>,
/// <c>Map</c>, <c>MapFallback</c>) in a project that references the Kernel. Calls chained into
/// <c>.ExcludeFromKernel()</c> are deliberate and not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawEndpointMappingAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.RawEndpointMapping];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        if (types.EndpointRouteBuilderExtensions is not { } extensions)
        {
            return;
        }

        // Every endpoint-producing method of the extension class; MapGroup only makes a prefix and is fine.
        var mappers = extensions.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(m => m.IsExtensionMethod && m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name != "MapGroup")
            .ToImmutableHashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var exclude = types.KernelEndpointExtensions?.GetMembers("ExcludeFromKernel").OfType<IMethodSymbol>().FirstOrDefault();

        context.RegisterOperationAction(
            operation =>
            {
                var invocation = (IInvocationOperation)operation.Operation;
                var method = invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod;
                if (!mappers.Contains(method.OriginalDefinition) || IsExcludedFromKernel(invocation, exclude))
                {
                    return;
                }

                operation.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.RawEndpointMapping, invocation.Syntax.GetLocation(), method.Name));
            },
            OperationKind.Invocation);
    }

    /// <summary>Whether the mapping's result flows, through a fluent chain, into <c>ExcludeFromKernel()</c>.</summary>
    private static bool IsExcludedFromKernel(IInvocationOperation mapping, IMethodSymbol? exclude)
    {
        if (exclude is null)
        {
            return false;
        }

        IOperation current = mapping;
        while (true)
        {
            var parent = current.Parent;
            while (parent is IConversionOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            var next = parent switch
            {
                IInvocationOperation call when ReferenceEquals(call.Instance, current) => call,
                IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation call }
                    when call.TargetMethod.IsExtensionMethod => call,
                _ => null,
            };
            if (next is null)
            {
                return false;
            }

            if (SymbolEqualityComparer.Default.Equals(next.TargetMethod.OriginalDefinition, exclude))
            {
                return true;
            }

            current = next;
        }
    }
}
