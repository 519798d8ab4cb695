using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace WebHost.Identity;

/// <summary>
/// How the dev identity provider's endpoints appear in the host's OpenAPI document. They are outside the kernel, so
/// the kernel's transformer does not describe them: each declares its name, summary, body, credentials and errors
/// here. Their errors are RFC 9457 problem details with a machine <c>code</c> (<see cref="ProblemSchema"/>), like the
/// kernel's envelope but without its trace and correlation ids.
/// </summary>
internal static class IdentityOpenApi
{
    public const string ProblemSchema = "DevIdentityProblem";

    public const string Tag = "devidentity";

    private static readonly Dictionary<int, string> Errors = new()
    {
        [StatusCodes.Status400BadRequest] = "VALIDATION_FAILED: the body is not a JSON object of the expected shape, or a field is invalid; errors names the fields.",
        [StatusCodes.Status401Unauthorized] = "UNAUTHENTICATED: the credentials are not valid.",
        [StatusCodes.Status403Forbidden] = "FORBIDDEN: the caller is not an admin of the tenant.",
        [StatusCodes.Status409Conflict] = "CONFLICT: the account or membership exists already.",
        [StatusCodes.Status415UnsupportedMediaType] = "UNSUPPORTED_MEDIA_TYPE: the body must be JSON (Content-Type: application/json).",
        [StatusCodes.Status429TooManyRequests] = "RATE_LIMITED: too many login attempts for the account or the client address; Retry-After says when to retry.",
    };

    /// <summary>Adds the provider's problem schema to the document.</summary>
    public static OpenApiOptions AddDevIdentityDescription(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = Problem();
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>
    /// Names and describes one endpoint: <paramref name="name"/> is its operation id, <paramref name="bearer"/> whether
    /// it takes one of the provider's access tokens, <paramref name="body"/> the JSON body it reads (by hand),
    /// <paramref name="errors"/> the statuses it can fail with.
    /// </summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string name, string summary, bool bearer, Type? body, params int[] errors) =>
        endpoint
            .WithSummary(summary)
            .WithTags(Tag)
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                // The operation id only: an endpoint name (WithName) would also rename the endpoint for routing and the tests.
                operation.OperationId = name;
                if (body is not null)
                {
                    // Not Accepts<T>(): its metadata makes routing answer other content types with a bare 415, before
                    // the handler's own enveloped one.
                    context.Document!.AddComponent(body.Name, await context.GetOrCreateSchemaAsync(body, cancellationToken: cancellationToken));
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = new OpenApiSchemaReference(body.Name, context.Document) },
                        },
                    };
                }

                operation.Security = bearer
                    ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] }]
                    : [];
                operation.Responses ??= [];
                foreach (var status in errors)
                {
                    operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
                    {
                        Description = Errors[status],
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                        },
                    };
                }
            });

    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error of the dev identity provider: RFC 9457 problem details with a stable machine code.",
        Required = new HashSet<string> { "type", "title", "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI reference that identifies the problem type."),
            ["title"] = Text("The HTTP reason phrase."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("A human-readable explanation."),
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable machine code; branch on this, not on detail.",
                Enum = [.. new[] { "VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "CONFLICT", "UNSUPPORTED_MEDIA_TYPE", "RATE_LIMITED" }.Select(c => (JsonNode)JsonValue.Create(c))],
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation failures by field (VALIDATION_FAILED only).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
