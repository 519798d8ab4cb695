using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kernel.Analyzers.CodeFixes;

/// <summary>
/// KRN1001 fix: chain <c>.ExcludeFromKernel()</c> onto a raw mapping that deliberately stays outside the kernel
/// (a health probe, a token endpoint). Moving a route into an addon's <c>KernelRouteGroup</c> needs a route
/// name and an auth decision only a person can choose, so that is not offered as a fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ExcludeFromKernelCodeFix))]
[Shared]
public sealed class ExcludeFromKernelCodeFix : CodeFixProvider
{
    private const string Title = "Mark the endpoint as deliberately outside the kernel (.ExcludeFromKernel())";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.RawEndpointMapping.Id];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax mapping)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(mapping, Exclude(mapping)))),
                    equivalenceKey: nameof(ExcludeFromKernelCodeFix)),
                diagnostic);
        }
    }

    private static InvocationExpressionSyntax Exclude(InvocationExpressionSyntax mapping) =>
        SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    mapping.WithoutTrailingTrivia(),
                    SyntaxFactory.IdentifierName("ExcludeFromKernel")))
            .WithTrailingTrivia(mapping.GetTrailingTrivia());
}
