using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Addons;

/// <summary>What the analyzers can learn about an addon's manifest at compile time.</summary>
internal static class AddonManifestReader
{
    /// <summary>
    /// Reads <c>Name</c> and <c>DependsOn</c> from a <c>new AddonManifest { … }</c> initializer. Returns
    /// <see langword="false"/> when either is not made of constants (a collection expression or array of string
    /// literals or consts), in which case the rules stay silent.
    /// </summary>
    public static bool TryRead(
        IObjectCreationOperation creation,
        INamedTypeSymbol manifestType,
        out string? name,
        out ImmutableArray<string> dependsOn)
    {
        name = null;
        dependsOn = ImmutableArray<string>.Empty;
        var nameProperty = manifestType.GetMembers("Name").OfType<IPropertySymbol>().FirstOrDefault();
        var dependsOnProperty = manifestType.GetMembers("DependsOn").OfType<IPropertySymbol>().FirstOrDefault();
        if (creation.Initializer is null)
        {
            return false;
        }

        foreach (var initializer in creation.Initializer.Initializers)
        {
            if (initializer is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(target.Property, nameProperty))
            {
                if (assignment.Value.ConstantValue is not { HasValue: true, Value: string value })
                {
                    return false;
                }

                name = value;
            }
            else if (SymbolEqualityComparer.Default.Equals(target.Property, dependsOnProperty))
            {
                if (!TryReadStrings(assignment.Value, out dependsOn))
                {
                    return false;
                }
            }
        }

        return name is not null;
    }

    /// <summary>
    /// The names an addon type declared in a referenced assembly may have: its constant string fields that look
    /// like an addon name (no dot; dotted constants are permission names), and — when its source is visible —
    /// the literal assigned to <c>Name</c> in its manifest initializer.
    /// </summary>
    public static ImmutableArray<string> CandidateNames(INamedTypeSymbol addon)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var field in addon.GetMembers().OfType<IFieldSymbol>())
        {
            if (field.IsConst && field.ConstantValue is string value && value.Length > 0 && value.IndexOf('.') < 0)
            {
                names.Add(value);
            }
        }

        foreach (var reference in addon.DeclaringSyntaxReferences)
        {
            foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
            {
                if (assignment.Parent is InitializerExpressionSyntax
                    && assignment.Left is IdentifierNameSyntax { Identifier.ValueText: "Name" }
                    && assignment.Right is LiteralExpressionSyntax literal
                    && literal.IsKind(SyntaxKind.StringLiteralExpression))
                {
                    names.Add(literal.Token.ValueText);
                }
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToImmutableArray();
    }

    private static bool TryReadStrings(IOperation value, out ImmutableArray<string> strings)
    {
        strings = ImmutableArray<string>.Empty;
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        IEnumerable<IOperation> elements;
        if (value is ICollectionExpressionOperation collection)
        {
            elements = collection.Elements;
        }
        else if (value is IArrayCreationOperation { Initializer: { } arrayInitializer })
        {
            elements = arrayInitializer.ElementValues;
        }
        else
        {
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var element in elements)
        {
            if (element.ConstantValue is not { HasValue: true, Value: string text })
            {
                return false;
            }

            builder.Add(text);
        }

        strings = builder.ToImmutable();
        return true;
    }
}
