using System.Globalization;
using System.Text.Json.Nodes;
using Kernel.Addons;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Kernel.OpenApi;

/// <summary>
/// Describes one kernel route as the route wrapper runs it: operation id, summary, tag, security, the access decision,
/// and the error responses the kernel itself can produce for it (a handler's own, such as 412, are declared with
/// <c>ProducesProblem</c> and get the same envelope schema).
/// </summary>
internal sealed class KernelOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var route = context.Description.ActionDescriptor.EndpointMetadata.OfType<KernelRouteMetadata>().FirstOrDefault();
        if (route is null)
        {
            return Task.CompletedTask;
        }

        var tenancy = context.ApplicationServices.GetRequiredService<IOptions<KernelOptions>>().Value.Tenancy;
        operation.OperationId = route.Name;
        if (string.IsNullOrWhiteSpace(operation.Summary))
        {
            operation.Summary = DefaultSummary(route);
        }

        // One tag per addon, described by its manifest (KernelDocumentTransformer), instead of the handler's class name.
        operation.Tags = new HashSet<OpenApiTagReference> { new(route.Addon, context.Document) };
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-kernel-addon"] = new JsonNodeExtension(JsonValue.Create(route.Addon));
        operation.Extensions["x-kernel-access"] = new JsonNodeExtension(JsonValue.Create(AccessName(route.Access.Kind)));
        if (route.Access.PermissionName is { } permission)
        {
            operation.Extensions["x-kernel-permission"] = new JsonNodeExtension(JsonValue.Create(permission));
        }

        if (route.Access.Kind == RouteAccessKind.PlatformOperator)
        {
            operation.Extensions["x-kernel-operator-role"] = new JsonNodeExtension(JsonValue.Create(tenancy.OperatorRole));
        }

        // An empty list says "no credentials needed" explicitly; an absent one would leave it unsaid.
        operation.Security = route.Access.Kind == RouteAccessKind.Public
            ? []
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KernelDocumentTransformer.BearerScheme, context.Document)] = [] }];

        operation.Responses ??= [];
        foreach (var (status, description) in KernelErrors(route, context.Description.ParameterDescriptions, tenancy))
        {
            operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse { Description = description });
        }

        var problem = new OpenApiSchemaReference(KernelDocumentTransformer.ProblemSchema, context.Document);
        foreach (var (status, response) in operation.Responses.Where(r => r.Key[0] is '4' or '5').ToList())
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } };
            var code = int.Parse(status, CultureInfo.InvariantCulture);
            var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);
            if (string.IsNullOrEmpty(concrete.Description) || concrete.Description == reason)
            {
                // A handler's ProducesProblem(412) says only the reason phrase; the code says what happened.
                concrete.Description = code == StatusCodes.Status412PreconditionFailed
                    ? "PRECONDITION_FAILED: If-Match does not name the current ETag."
                    : reason;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The value of <c>x-kernel-access</c>: <c>public</c>, <c>authenticated</c>, <c>permission</c> or <c>platform-operator</c>.</summary>
    internal static string AccessName(RouteAccessKind kind) => kind switch
    {
        RouteAccessKind.PlatformOperator => "platform-operator",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A summary for a route that declares none (<c>.WithSummary(...)</c>), from its stable name: the last segment is
    /// the action, the ones before it (less the addon's own name when more remain) what it acts on —
    /// <c>notes.create</c> is "Create notes", <c>kernel.jobs.retry</c> "Retry jobs".
    /// </summary>
    internal static string DefaultSummary(KernelRouteMetadata route)
    {
        var segments = route.Name.Split('.');
        var subject = segments[..^1];
        if (subject.Length > 1 && subject[0] == route.Addon)
        {
            subject = subject[1..];
        }

        var action = segments[^1].Replace('_', ' ');
        return string.Concat(action[..1].ToUpperInvariant(), action[1..], " ", string.Join(' ', subject).Replace('_', ' '));
    }

    /// <summary>The statuses the kernel answers this route with, whatever its handler does.</summary>
    private static IEnumerable<(int Status, string Description)> KernelErrors(
        KernelRouteMetadata route, IList<ApiParameterDescription> parameters, KernelTenancyOptions tenancy)
    {
        var access = route.Access.Kind;
        var inTenant = access is RouteAccessKind.Authenticated or RouteAccessKind.Permission;
        var hasBody = parameters.Any(p => p.Source == BindingSource.Body);
        var hasInput = hasBody || parameters.Any(p => p.Source == BindingSource.Query || p.Source == BindingSource.Path || p.Source == BindingSource.Header);
        var tenantHeader = inTenant && tenancy.HeaderName is not null;
        if (hasInput || tenantHeader)
        {
            yield return (StatusCodes.Status400BadRequest, hasInput
                ? "VALIDATION_FAILED: the input is malformed or invalid; errors names the fields." + (tenantHeader ? TenantHeaderInvalid(tenancy) : "")
                : "VALIDATION_FAILED:" + TenantHeaderInvalid(tenancy));
        }

        if (access != RouteAccessKind.Public)
        {
            yield return (StatusCodes.Status401Unauthorized, "UNAUTHENTICATED: no valid bearer token.");
        }

        if (access == RouteAccessKind.PlatformOperator)
        {
            yield return (StatusCodes.Status403Forbidden,
                $"FORBIDDEN: only platform operators may call this route (the token's roles must include '{tenancy.OperatorRole}'; no tenant role grants it).");
        }
        else if (inTenant)
        {
            var forbidden = access == RouteAccessKind.Permission ? $" FORBIDDEN: the actor's roles do not grant '{route.Access.PermissionName}'." : "";
            var membership = tenancy.HeaderName is not null || tenancy.HostSuffix is not null
                ? " FORBIDDEN: the credentials do not make the actor a member of the tenant the request names."
                : "";
            yield return (StatusCodes.Status403Forbidden,
                "TENANT_REQUIRED: the credentials name no tenant. TENANT_UNKNOWN: the tenant they name is not in the registry (or was erased). " +
                "TENANT_SUSPENDED: the tenant is suspended." + forbidden + membership);
        }

        if (parameters.Any(p => p.Source == BindingSource.Path))
        {
            yield return (StatusCodes.Status404NotFound, access == RouteAccessKind.PlatformOperator
                ? "NOT_FOUND: no such entity."
                : "NOT_FOUND: no such entity in the caller's tenant (another tenant's entity included).");
        }

        if (route.IsStateChanging)
        {
            yield return (StatusCodes.Status409Conflict, "CONFLICT: the change conflicts with the current state (e.g. a unique key).");
        }

        if (hasBody)
        {
            yield return (StatusCodes.Status413PayloadTooLarge, "PAYLOAD_TOO_LARGE: the request body is over Kernel:Limits:MaxRequestBodyBytes.");
            yield return (StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE: the body must be JSON.");
        }

        yield return (StatusCodes.Status429TooManyRequests, "RATE_LIMITED: the actor's or tenant's budget is spent (when Kernel:RateLimiting is on); Retry-After says when to retry.");
        yield return (StatusCodes.Status500InternalServerError, "INTERNAL_ERROR: an unexpected failure; details are logged, never returned.");
        yield return (StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE: the database is unavailable; retry later.");
    }

    private static string TenantHeaderInvalid(KernelTenancyOptions tenancy) =>
        $" The {tenancy.HeaderName} header, when sent, is not one tenant id, external id or slug.";
}
