using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Text;
using Kernel.Analyzers.Data;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Kernel.Analyzers.CodeFixes;

/// <summary>
/// KRN3002 fix, where it is mechanical: an interpolated string passed to a linq2db raw-SQL method that has a
/// <c>params DataParameter[]</c> overload becomes SQL text with <c>@p0</c>, <c>@p1</c>, … placeholders plus one
/// <c>new DataParameter("p0", value)</c> per hole. Holes with an alignment or format are left to a person.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ParameterizeSqlCodeFix))]
[Shared]
public sealed class ParameterizeSqlCodeFix : CodeFixProvider
{
    private const string Title = "Pass the interpolated values as SQL parameters";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.SqlFromStrings.Id];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(SqlTextAnalyzer.InterpolatedProperty)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InterpolatedStringExpressionSyntax sql
                || sql.Parent is not ArgumentSyntax { NameColon: null } argument
                || argument.Parent is not ArgumentListSyntax arguments
                || arguments.Parent is not InvocationExpressionSyntax invocation
                || arguments.Arguments.Any(a => a.NameColon is not null)
                || sql.Contents.OfType<InterpolationSyntax>().Any(h => h.AlignmentClause is not null || h.FormatClause is not null)
                || !HasParameterOverload(model, invocation, arguments, context.CancellationToken))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(arguments, Parameterize(arguments, argument, sql)))),
                    equivalenceKey: nameof(ParameterizeSqlCodeFix)),
                diagnostic);
        }
    }

    /// <summary>
    /// Whether the called method has an overload taking exactly the same parameters plus a trailing
    /// <c>params DataParameter[]</c>, and the call passes every parameter (so appended arguments bind to it).
    /// </summary>
    private static bool HasParameterOverload(SemanticModel model, InvocationExpressionSyntax invocation, ArgumentListSyntax arguments, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol called
            || model.Compilation.GetTypeByMetadataName("LinqToDB.Data.DataParameter") is not { } dataParameter)
        {
            return false;
        }

        var method = (called.ReducedFrom ?? called).OriginalDefinition;
        var explicitParameters = called.Parameters;
        if (explicitParameters.Length != arguments.Arguments.Count)
        {
            return false;
        }

        return method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Any(candidate =>
            candidate.TypeParameters.Length == method.TypeParameters.Length
            && candidate.Parameters.Length == method.Parameters.Length + 1
            && candidate.Parameters[candidate.Parameters.Length - 1] is { IsParams: true, Type: IArrayTypeSymbol array }
            && SymbolEqualityComparer.Default.Equals(array.ElementType, dataParameter)
            && method.Parameters.Select((p, i) => SameType(p.Type, candidate.Parameters[i].Type)).All(same => same));
    }

    private static bool SameType(ITypeSymbol left, ITypeSymbol right) =>
        left is ITypeParameterSymbol l && right is ITypeParameterSymbol r
            ? l.Ordinal == r.Ordinal
            : SymbolEqualityComparer.Default.Equals(left.OriginalDefinition, right.OriginalDefinition);

    private static ArgumentListSyntax Parameterize(ArgumentListSyntax arguments, ArgumentSyntax argument, InterpolatedStringExpressionSyntax sql)
    {
        var text = new StringBuilder();
        var values = new List<ArgumentSyntax>();
        var parameterType = SyntaxFactory.ParseTypeName("global::LinqToDB.Data.DataParameter").WithAdditionalAnnotations(Simplifier.Annotation);
        foreach (var content in sql.Contents)
        {
            switch (content)
            {
                case InterpolatedStringTextSyntax literal:
                    text.Append(literal.TextToken.ValueText);
                    break;
                case InterpolationSyntax hole:
                    var name = "p" + values.Count.ToString(CultureInfo.InvariantCulture);
                    text.Append('@').Append(name);
                    values.Add(SyntaxFactory.Argument(
                        SyntaxFactory.ObjectCreationExpression(parameterType)
                            .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(
                            [
                                SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name))),
                                SyntaxFactory.Argument(hole.Expression.WithoutTrivia()),
                            ])))));
                    break;
            }
        }

        var literalSql = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text.ToString()))
            .WithTriviaFrom(sql);
        var updated = arguments.ReplaceNode(argument, argument.WithExpression(literalSql));
        return updated.AddArguments([.. values]);
    }
}
