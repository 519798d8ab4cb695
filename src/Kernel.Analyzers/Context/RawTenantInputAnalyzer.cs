using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Kernel.Analyzers.Context;

/// <summary>
/// KRN2001: the tenant or actor taken from raw input — a request header, the query string, a form field, a
/// cookie, route values or a claim read for a tenant/actor key, or a kernel route handler parameter bound to
/// such a value — instead of from the <c>KernelContext</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawTenantInputAnalyzer : KernelAnalyzer
{
    private const string ClaimSource = "a claim";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        [DiagnosticDescriptors.RawTenantInput];

    private protected override void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types)
    {
        context.RegisterOperationAction(operation => AnalyzeIndexer(operation, types), OperationKind.PropertyReference);
        context.RegisterOperationAction(operation => AnalyzeInvocation(operation, types), OperationKind.Invocation);
        context.RegisterOperationAction(operation => AnalyzeClaimTypeComparison(operation, types), OperationKind.Binary);
    }

    /// <summary><c>Request.Headers["X-Tenant-Id"]</c>, <c>Request.Query["tenant"]</c>, <c>RouteValues["tenantId"]</c>.</summary>
    private static void AnalyzeIndexer(OperationAnalysisContext context, WellKnownTypes types)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (!reference.Property.IsIndexer
            || reference.Arguments.Length != 1
            || SourceOf(reference.Instance?.Type, types) is not { } source)
        {
            return;
        }

        Report(context, reference, source, reference.Arguments[0].Value, claim: false);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, WellKnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;

        if (types.KernelRouteGroup is { } group && SymbolEqualityComparer.Default.Equals(method.ContainingType, group))
        {
            AnalyzeHandler(context, invocation, types);
            return;
        }

        // Headers.TryGetValue("X-Tenant", out …), Query.TryGetValue, RouteValues.TryGetValue, GetValueOrDefault(…).
        var receiver = invocation.Instance ?? (method.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null);
        string? source = null;
        var claim = false;
        if (types.RoutingHttpContextExtensions is { } routing && SymbolEqualityComparer.Default.Equals(method.ContainingType, routing))
        {
            source = "the route values"; // HttpContext.GetRouteValue("tenant")
        }
        else if (IsClaimsHolder(receiver?.Type, types))
        {
            source = ClaimSource; // User.FindFirst("tenant_id"), FindFirstValue, HasClaim, FindAll
            claim = true;
        }
        else
        {
            source = SourceOf(UnwrapConversions(receiver)?.Type, types);
        }

        if (source is null)
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (!ReferenceEquals(argument.Value, receiver) && Report(context, invocation, source, argument.Value, claim))
            {
                return;
            }
        }
    }

    /// <summary><c>claim.Type == "tenant_id"</c>, as in <c>User.Claims.First(c =&gt; c.Type == "tenant_id")</c>.</summary>
    private static void AnalyzeClaimTypeComparison(OperationAnalysisContext context, WellKnownTypes types)
    {
        var binary = (IBinaryOperation)context.Operation;
        if (types.ClaimTypeProperty is not { } claimTypeProperty || binary.OperatorKind is not (BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals))
        {
            return;
        }

        bool IsClaimType(IOperation operand) =>
            UnwrapConversions(operand) is IPropertyReferenceOperation property
            && SymbolEqualityComparer.Default.Equals(property.Property, claimTypeProperty);

        if (IsClaimType(binary.LeftOperand))
        {
            Report(context, binary, ClaimSource, binary.RightOperand, claim: true);
        }
        else if (IsClaimType(binary.RightOperand))
        {
            Report(context, binary, ClaimSource, binary.LeftOperand, claim: true);
        }
    }

    /// <summary>A kernel route handler whose parameters bind the tenant or actor from the request.</summary>
    private static void AnalyzeHandler(OperationAnalysisContext context, IInvocationOperation invocation, WellKnownTypes types)
    {
        var handler = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_Delegate);
        var target = UnwrapConversions(UnwrapDelegateCreation(handler?.Value)) switch
        {
            IAnonymousFunctionOperation lambda => lambda.Symbol,
            IMethodReferenceOperation reference => reference.Method,
            _ => null,
        };
        if (target is null)
        {
            return;
        }

        foreach (var parameter in target.Parameters)
        {
            if (types.KernelContext is { } kernelContext && SymbolEqualityComparer.Default.Equals(parameter.Type, kernelContext))
            {
                continue;
            }

            var source = "a route handler parameter";
            var key = parameter.Name;
            foreach (var attribute in parameter.GetAttributes())
            {
                var binding = types.BindingAttributes.FirstOrDefault(b => SymbolEqualityComparer.Default.Equals(b.Type, attribute.AttributeClass));
                if (binding.Type is null)
                {
                    continue;
                }

                source = binding.Source;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "Name" && named.Value.Value is string name)
                    {
                        key = name;
                    }
                }
            }

            if (TenantKeys.IsTenantOrActorKey(key, claim: false) && !parameter.Locations.IsEmpty && parameter.Locations[0].IsInSource)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RawTenantInput, parameter.Locations[0], source, key));
            }
        }
    }

    private static bool Report(OperationAnalysisContext context, IOperation at, string source, IOperation key, bool claim)
    {
        if (key.ConstantValue is not { HasValue: true, Value: string name } || !TenantKeys.IsTenantOrActorKey(name, claim))
        {
            return false;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RawTenantInput, at.Syntax.GetLocation(), source, name));
        return true;
    }

    private static string? SourceOf(ITypeSymbol? type, WellKnownTypes types)
    {
        foreach (var (collection, source) in types.RawInputCollections)
        {
            if (WellKnownTypes.IsOrImplements(type, collection))
            {
                return source;
            }
        }

        return null;
    }

    private static bool IsClaimsHolder(ITypeSymbol? type, WellKnownTypes types) =>
        (types.ClaimsPrincipal is { } principal && WellKnownTypes.DerivesFrom(type, principal))
        || (types.ClaimsIdentity is { } identity && WellKnownTypes.DerivesFrom(type, identity));

    private static IOperation? UnwrapConversions(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static IOperation? UnwrapDelegateCreation(IOperation? operation)
    {
        operation = UnwrapConversions(operation);
        return operation is IDelegateCreationOperation creation ? creation.Target : operation;
    }
}
