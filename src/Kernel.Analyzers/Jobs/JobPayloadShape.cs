using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Kernel.Analyzers.Jobs;

/// <summary>
/// Decides whether a job payload type is a plain data record that System.Text.Json can write now and read back
/// later: what is wrong with it, or <see langword="null"/>. One instance per compilation; results are cached per
/// type and safe to share across threads. Where it cannot be sure (a type parameter, an error type) it finds nothing.
/// </summary>
internal sealed class JobPayloadShape(WellKnownTypes types)
{
    private static readonly SymbolDisplayFormat Display = SymbolDisplayFormat.MinimallyQualifiedFormat;

    /// <summary>How deep collections of collections are unwrapped before the rule gives up (and finds nothing).</summary>
    private const int MaxNesting = 4;

    private readonly ConcurrentDictionary<ITypeSymbol, string?> _problems = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// What makes <paramref name="payload"/> unfit as a job payload, phrased to follow the type's name
    /// ("is an interface, …", "has property 'Body' of type 'Stream': a stream, …"), or <see langword="null"/>.
    /// </summary>
    public string? ProblemOf(ITypeSymbol payload) => _problems.GetOrAdd(payload, Inspect);

    private string? Inspect(ITypeSymbol payload)
    {
        // The payload itself: its kind, then (a plain class or struct) how it is created and what it holds.
        var type = Unwrap(payload, out var nesting);
        if (type is null)
        {
            return null;
        }

        if (nesting > 0)
        {
            // A list or dictionary of payloads: each element must be a plain record itself.
            return ProblemOf(type) is { } inner ? $"has element type '{type.ToDisplayString(Display)}', which {inner}" : null;
        }

        if (KindProblem(type) is { } kind)
        {
            return "is " + kind;
        }

        if (type is not INamedTypeSymbol named || IsLeaf(named))
        {
            return null;
        }

        if (named.TypeKind == TypeKind.Class && !HasUsableConstructor(named))
        {
            return "has no public parameterless constructor and no public constructor whose parameters all match its public properties, so System.Text.Json cannot create it";
        }

        foreach (var property in SerialisedProperties(named))
        {
            var member = Unwrap(property.Type, out var depth);
            if (member is not null && KindProblem(member) is { } problem)
            {
                return depth == 0
                    ? $"has property '{property.Name}' of type '{member.ToDisplayString(Display)}': {problem}"
                    : $"has property '{property.Name}' whose elements are '{member.ToDisplayString(Display)}': {problem}";
            }
        }

        return null;
    }

    /// <summary>
    /// What is wrong with <paramref name="type"/> as a value on its own (not how it is built), or
    /// <see langword="null"/> for a plain value, a plain class or struct, or anything the rule cannot judge.
    /// </summary>
    private string? KindProblem(ITypeSymbol type)
    {
        switch (type.TypeKind)
        {
            case TypeKind.TypeParameter or TypeKind.Error:
                return null;
            case TypeKind.Dynamic:
                return "untyped, so it reads back as a JsonElement, not what was enqueued";
            case TypeKind.Pointer or TypeKind.FunctionPointer:
                return "a pointer";
        }

        if (type.SpecialType == SpecialType.System_Object)
        {
            return "untyped, so it reads back as a JsonElement, not what was enqueued";
        }

        if (type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr)
        {
            return "a native pointer";
        }

        if (type is not INamedTypeSymbol named || IsLeaf(named))
        {
            return null;
        }

        foreach (var (live, description) in types.LivePayloadTypes)
        {
            if (WellKnownTypes.IsOrImplements(named, live))
            {
                return description;
            }
        }

        if (named.IsTupleType)
        {
            return "a tuple, whose fields System.Text.Json does not serialise";
        }

        if (IsCollection(named))
        {
            return null;
        }

        return named.TypeKind switch
        {
            TypeKind.Interface => "an interface, which System.Text.Json cannot create",
            TypeKind.Delegate => "a delegate, which is code, not data",
            TypeKind.Class when named.IsAbstract => "abstract, so System.Text.Json cannot create it",
            _ => null,
        };
    }

    /// <summary>
    /// <paramref name="type"/> without <c>Nullable&lt;T&gt;</c> and collections: the element type (for a dictionary,
    /// the first offending key or value type, else the value type) and how many collections were unwrapped;
    /// <see langword="null"/> past <see cref="MaxNesting"/>.
    /// </summary>
    private ITypeSymbol? Unwrap(ITypeSymbol type, out int nesting)
    {
        nesting = 0;
        var current = type;
        while (true)
        {
            if (current is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                current = nullable.TypeArguments[0];
                continue;
            }

            ITypeSymbol? element = current switch
            {
                IArrayTypeSymbol array => array.ElementType,
                INamedTypeSymbol named when !IsLeaf(named) && KeyAndValue(named) is { } pair =>
                    KindProblem(pair.Key) is not null ? pair.Key : pair.Value,
                INamedTypeSymbol named when !IsLeaf(named) => SequenceElement(named),
                _ => null,
            };
            if (element is null)
            {
                return current;
            }

            if (++nesting > MaxNesting)
            {
                return null;
            }

            current = element;
        }
    }

    private bool IsCollection(INamedTypeSymbol type) => KeyAndValue(type) is not null || SequenceElement(type) is not null;

    private (ITypeSymbol Key, ITypeSymbol Value)? KeyAndValue(INamedTypeSymbol type)
    {
        foreach (var candidate in Self(type).Concat(type.AllInterfaces))
        {
            if (types.DictionaryInterfaces.Contains(candidate.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return (candidate.TypeArguments[0], candidate.TypeArguments[1]);
            }
        }

        return null;
    }

    private ITypeSymbol? SequenceElement(INamedTypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return null;
        }

        foreach (var candidate in Self(type).Concat(type.AllInterfaces))
        {
            if (types.SequenceInterfaces.Contains(candidate.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return candidate.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>Primitives, string, decimal, DateTime, enums and the framework's plain value types (Guid, DateTimeOffset…).</summary>
    private bool IsLeaf(INamedTypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_String
                or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal or SpecialType.System_DateTime:
                return true;
        }

        return types.PlainLeafTypes.Any(leaf => WellKnownTypes.DerivesFrom(type, leaf));
    }

    /// <summary>
    /// A public parameterless constructor, a constructor marked [JsonConstructor], or a public constructor whose
    /// every parameter matches a public property by name (case-insensitively, as System.Text.Json matches) and type.
    /// </summary>
    private bool HasUsableConstructor(INamedTypeSymbol type)
    {
        var properties = SerialisedProperties(type).ToImmutableArray();
        foreach (var constructor in type.InstanceConstructors)
        {
            if (types.JsonConstructorAttribute is { } marker
                && constructor.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, marker)))
            {
                return true;
            }

            if (constructor.DeclaredAccessibility == Accessibility.Public
                && constructor.Parameters.All(p => properties.Any(prop =>
                    string.Equals(prop.Name, p.Name, StringComparison.OrdinalIgnoreCase)
                    && SymbolEqualityComparer.Default.Equals(prop.Type, p.Type))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The public instance properties System.Text.Json writes: readable, not indexers, not [JsonIgnore].</summary>
    private IEnumerable<IPropertySymbol> SerialisedProperties(INamedTypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic
                    || property.IsIndexer
                    || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                    || !seen.Add(property.Name)
                    || (types.JsonIgnoreAttribute is { } ignore
                        && property.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, ignore))))
                {
                    continue;
                }

                yield return property;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> Self(INamedTypeSymbol type)
    {
        yield return type;
    }
}
