using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Routing;

/// <summary>
/// KRN1002: <c>RouteAccess.Permission("…")</c> names a permission that no <c>new PermissionDefinition("…", …)</c>
/// in the compilation declares. Conservative: it says nothing when a declaration's name is not a constant, when
/// the permission may come from a referenced addon assembly, or for the kernel's own <c>kernel.*</c> names.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UndeclaredPermissionAnalyzer : KernelAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.UndeclaredPermission];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        if (types.RouteAccess?.GetMembers("Permission").OfType<IMethodSymbol>().FirstOrDefault() is not { } permissionMethod
            || types.PermissionDefinition is not { } definitionType)
        {
            return;
        }

        // Permissions can also be declared by addons in referenced assemblies, whose manifests we cannot read.
        var compilation = context.Compilation;
        if (compilation.SourceModule.ReferencedAssemblySymbols.Any(a => !types.AddonTypesOf(a).IsEmpty))
        {
            return;
        }

        var declared = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var uses = new ConcurrentBag<(string Name, Location Location)>();
        var unknownDeclaration = 0;

        context.RegisterOperationAction(
            operation =>
            {
                var creation = (IObjectCreationOperation)operation.Operation;
                if (!SymbolEqualityComparer.Default.Equals(creation.Type, definitionType))
                {
                    return;
                }

                var name = creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value.ConstantValue;
                if (name is { HasValue: true, Value: string value })
                {
                    declared.TryAdd(value, 0);
                }
                else
                {
                    Interlocked.Exchange(ref unknownDeclaration, 1);
                }
            },
            OperationKind.ObjectCreation);

        context.RegisterOperationAction(
            operation =>
            {
                var invocation = (IInvocationOperation)operation.Operation;
                if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod, permissionMethod)
                    || invocation.Arguments.Length != 1
                    || invocation.Arguments[0].Value.ConstantValue is not { HasValue: true, Value: string name })
                {
                    return;
                }

                uses.Add((name, invocation.Arguments[0].Value.Syntax.GetLocation()));
            },
            OperationKind.Invocation);

        context.RegisterCompilationEndAction(end =>
        {
            if (Volatile.Read(ref unknownDeclaration) != 0)
            {
                return;
            }

            foreach (var (name, location) in uses)
            {
                if (!declared.ContainsKey(name) && !name.StartsWith("kernel.", StringComparison.Ordinal))
                {
                    end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UndeclaredPermission, location, name));
                }
            }
        });
    }
}
