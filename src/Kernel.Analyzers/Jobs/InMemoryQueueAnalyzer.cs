using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Jobs;

/// <summary>
/// KRN5001: addon code that queues work on Coravel's in-memory queue (<c>Coravel.Queuing.Interfaces.IQueue</c>).
/// The queue lives in process memory (a crash or deploy loses the work) and runs it outside any
/// <c>KernelContext</c>. Coravel's scheduler is fine; only the queue is flagged. Addon code is every project that
/// declares an <c>IAddon</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InMemoryQueueAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.InMemoryQueue];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        if (types.CoravelQueue is not { } queue || types.AddonTypesOf(context.Compilation.Assembly).IsEmpty)
        {
            return;
        }

        context.RegisterOperationAction(
            operation =>
            {
                var invocation = (IInvocationOperation)operation.Operation;
                var method = invocation.TargetMethod;
                if (SymbolEqualityComparer.Default.Equals(method.ContainingType, queue)
                    || (invocation.Instance?.Type is { } receiver && WellKnownTypes.IsOrImplements(receiver, queue)
                        && method.ContainingType.AllInterfaces.Contains(queue, SymbolEqualityComparer.Default)))
                {
                    operation.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.InMemoryQueue, invocation.Syntax.GetLocation(), "IQueue." + method.Name));
                }
            },
            OperationKind.Invocation);
    }
}
