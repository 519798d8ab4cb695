using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Jobs;

/// <summary>
/// KRN5002: a job payload type that is not a plain data record. Payloads are written as JSON into a durable row and
/// read back later — after a crash, on another worker, by a newer build — so a payload that is an interface, abstract,
/// <c>object</c>, a delegate, live state (a stream, task, token, connection, service provider, exception,
/// <c>KernelContext</c>, anything disposable), a class System.Text.Json cannot construct, or that holds such a value
/// in a public property (or a collection of them) does not survive the trip. Reported on the <c>TPayload</c> of
/// <c>JobDefinition.ForTenant</c>/<c>ForSystem</c> and <c>IJobQueue.EnqueueAsync</c>, and on an
/// <c>IJobHandler&lt;TPayload&gt;</c> base-list entry. Every project that references the Kernel is checked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class JobPayloadAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.JobPayloadNotPlainData];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        if (types.IJobHandler is not { } handler)
        {
            return;
        }

        var shape = new JobPayloadShape(types);

        context.RegisterOperationAction(
            operation =>
            {
                var invocation = (IInvocationOperation)operation.Operation;
                var method = invocation.TargetMethod;
                if (!method.IsGenericMethod
                    || (!types.JobDefinitionFactories.Contains(method.OriginalDefinition, SymbolEqualityComparer.Default)
                        && !types.JobQueueEnqueue.Contains(method.OriginalDefinition, SymbolEqualityComparer.Default)))
                {
                    return;
                }

                // TPayload is the first type argument of all four methods.
                var payload = method.TypeArguments[0];
                if (shape.ProblemOf(payload) is { } problem)
                {
                    operation.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.JobPayloadNotPlainData, PayloadLocation(invocation), Name(payload), problem));
                }
            },
            OperationKind.Invocation);

        context.RegisterSyntaxNodeAction(
            node =>
            {
                // class SendMailJob : IJobHandler<Mail> — the base-list entry.
                var entry = (SimpleBaseTypeSyntax)node.Node;
                if (node.SemanticModel.GetSymbolInfo(entry.Type, node.CancellationToken).Symbol is INamedTypeSymbol implemented
                    && SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, handler)
                    && shape.ProblemOf(implemented.TypeArguments[0]) is { } problem)
                {
                    node.ReportDiagnostic(Diagnostic.Create(
                        DiagnosticDescriptors.JobPayloadNotPlainData, entry.GetLocation(), Name(implemented.TypeArguments[0]), problem));
                }
            },
            SyntaxKind.SimpleBaseType);
    }

    private static string Name(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    /// <summary>
    /// The written <c>TPayload</c> type argument (<c>ForTenant&lt;Mail, SendMailJob&gt;</c>); when it is inferred,
    /// the payload argument (<c>EnqueueAsync(job, payload)</c>); else the whole call.
    /// </summary>
    private static Location PayloadLocation(IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax { Expression: var callee })
        {
            var name = callee switch
            {
                GenericNameSyntax generic => generic,
                MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } => generic,
                MemberBindingExpressionSyntax { Name: GenericNameSyntax generic } => generic,
                _ => null,
            };
            if (name is { TypeArgumentList.Arguments.Count: > 0 })
            {
                return name.TypeArgumentList.Arguments[0].GetLocation();
            }
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Ordinal: 1 } && !argument.IsImplicit)
            {
                return argument.Syntax.GetLocation();
            }
        }

        return invocation.Syntax.GetLocation();
    }
}
