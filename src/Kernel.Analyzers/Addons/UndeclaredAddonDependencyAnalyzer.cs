using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Addons;

/// <summary>
/// KRN4001: an addon uses a type of another addon's assembly without naming that addon in its manifest's
/// <c>DependsOn</c>. An addon is a type implementing <c>IAddon</c>; the types of its assembly belong to it.
/// Conservative: silent when the project declares more or fewer than one addon, when the manifest's name or
/// dependencies are not constants, or when the other addon's name cannot be read from its assembly.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndeclaredAddonDependencyAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.UndeclaredAddonDependency];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        var own = types.AddonTypesOf(context.Compilation.Assembly);
        if (own.Length != 1 || types.AddonManifest is not { } manifestType)
        {
            return;
        }

        var addon = own[0];
        var manifests = new ConcurrentBag<(bool Known, string? Name, ImmutableArray<string> DependsOn)>();
        var uses = new ConcurrentBag<(INamedTypeSymbol Type, Location Location)>();
        var ownAssembly = context.Compilation.Assembly;

        context.RegisterOperationAction(
            operation =>
            {
                var creation = (IObjectCreationOperation)operation.Operation;
                if (SymbolEqualityComparer.Default.Equals(creation.Type, manifestType)
                    && SymbolEqualityComparer.Default.Equals(operation.ContainingSymbol.ContainingType, addon))
                {
                    var known = AddonManifestReader.TryRead(creation, manifestType, out var name, out var dependsOn);
                    manifests.Add((known, name, dependsOn));
                }
            },
            OperationKind.ObjectCreation);

        context.RegisterOperationAction(
            operation =>
            {
                var used = operation.Operation switch
                {
                    IInvocationOperation invocation => invocation.TargetMethod.ContainingType,
                    IObjectCreationOperation creation => creation.Type as INamedTypeSymbol,
                    IMemberReferenceOperation member => member.Member.ContainingType,
                    ITypeOfOperation typeOf => typeOf.TypeOperand as INamedTypeSymbol,
                    _ => null,
                };
                if (used?.ContainingAssembly is { } assembly
                    && !SymbolEqualityComparer.Default.Equals(assembly, ownAssembly)
                    && !types.AddonTypesOf(assembly).IsEmpty)
                {
                    uses.Add((used, operation.Operation.Syntax.GetLocation()));
                }
            },
            OperationKind.Invocation,
            OperationKind.ObjectCreation,
            OperationKind.PropertyReference,
            OperationKind.FieldReference,
            OperationKind.MethodReference,
            OperationKind.EventReference,
            OperationKind.TypeOf);

        context.RegisterCompilationEndAction(end =>
        {
            var found = manifests.ToArray();
            if (found.Length != 1 || !found[0].Known)
            {
                return;
            }

            var (_, ownName, dependsOn) = found[0];
            var namesByAssembly = new Dictionary<IAssemblySymbol, ImmutableArray<string>>(SymbolEqualityComparer.Default);
            foreach (var (type, location) in uses)
            {
                var assembly = type.ContainingAssembly;
                if (!namesByAssembly.TryGetValue(assembly, out var names))
                {
                    var addons = types.AddonTypesOf(assembly);
                    names = addons.Length == 1 ? AddonManifestReader.CandidateNames(addons[0]) : ImmutableArray<string>.Empty;
                    namesByAssembly.Add(assembly, names);
                }

                if (names.IsEmpty || names.Any(n => dependsOn.Contains(n, StringComparer.Ordinal)))
                {
                    continue;
                }

                end.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UndeclaredAddonDependency, location, ownName, type.Name, names[0]));
            }
        });
    }
}
