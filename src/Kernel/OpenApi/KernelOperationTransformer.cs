using System.Text.Json.Nodes;
using Kernel.Addons;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kernel.OpenApi;

/// <summary>
/// Describes one kernel route as the route wrapper runs it: operation id, security, the permission, and the error
/// responses the kernel itself can produce for it (a handler's own, such as 412, are declared with
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

        operation.OperationId = route.Name;
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-kernel-addon"] = new JsonNodeExtension(JsonValue.Create(route.Addon));
        operation.Extensions["x-kernel-access"] = new JsonNodeExtension(JsonValue.Create(route.Access.Kind.ToString().ToLowerInvariant()));
        if (route.Access.PermissionName is { } permission)
        {
            operation.Extensions["x-kernel-permission"] = new JsonNodeExtension(JsonValue.Create(permission));
        }

        if (route.Access.Kind != RouteAccessKind.Public)
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KernelDocumentTransformer.BearerScheme, context.Document)] = [] },
            ];
        }

        operation.Responses ??= [];
        foreach (var (status, description) in KernelErrors(route, context.Description.ParameterDescriptions))
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse { Description = description });
        }

        var problem = new OpenApiSchemaReference(KernelDocumentTransformer.ProblemSchema, context.Document);
        foreach (var (status, response) in operation.Responses.Where(r => r.Key[0] is '4' or '5').ToList())
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            concrete.Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = problem } };
            if (string.IsNullOrEmpty(concrete.Description))
            {
                concrete.Description = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The statuses the kernel answers this route with, whatever its handler does.</summary>
    private static IEnumerable<(int Status, string Description)> KernelErrors(
        KernelRouteMetadata route, IList<Microsoft.AspNetCore.Mvc.ApiExplorer.ApiParameterDescription> parameters)
    {
        var hasBody = parameters.Any(p => p.Source == BindingSource.Body);
        var hasInput = hasBody || parameters.Any(p => p.Source == BindingSource.Query || p.Source == BindingSource.Path || p.Source == BindingSource.Header);
        if (hasInput || route.Access.Kind != RouteAccessKind.Public)
        {
            yield return (StatusCodes.Status400BadRequest, hasInput
                ? "VALIDATION_FAILED: the input is malformed or invalid; errors names the fields. TENANT_REQUIRED: the tenant is not a UUID."
                : "TENANT_REQUIRED: the tenant is not a UUID.");
        }

        if (route.Access.Kind != RouteAccessKind.Public)
        {
            yield return (StatusCodes.Status401Unauthorized, "UNAUTHENTICATED: no valid bearer token.");
            yield return (StatusCodes.Status403Forbidden, route.Access.Kind == RouteAccessKind.Permission
                ? $"FORBIDDEN: the actor's roles do not grant '{route.Access.PermissionName}'; TENANT_REQUIRED: the token has no tenant."
                : "TENANT_REQUIRED: the token has no tenant.");
        }

        if (parameters.Any(p => p.Source == BindingSource.Path))
        {
            yield return (StatusCodes.Status404NotFound, "NOT_FOUND: no such entity in the caller's tenant (another tenant's entity included).");
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
}
