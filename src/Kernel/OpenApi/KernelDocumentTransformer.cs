using System.Text.Json.Nodes;
using Kernel.Addons;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Kernel.OpenApi;

/// <summary>
/// Adds the bearer security scheme and the error envelope's schema that kernel operations refer to, describes each
/// addon's tag with its manifest's summary, and writes server URLs without the trailing slash of an empty path base.
/// </summary>
internal sealed class KernelDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "Bearer";

    public const string ProblemSchema = "KernelProblem";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT from the app's OpenID Connect provider, carrying the actor, tenant and roles claims.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();

        // ProducesProblem(...) makes the generator describe ASP.NET Core's ProblemDetails; kernel operations refer to
        // the envelope instead, so unless an endpoint outside the kernel declares errors, those schemas are unused.
        var othersDeclareErrors = context.DescriptionGroups
            .SelectMany(g => g.Items)
            .Where(d => !d.ActionDescriptor.EndpointMetadata.OfType<KernelRouteMetadata>().Any())
            .Any(d => d.SupportedResponseTypes.Any(r => r.StatusCode >= 400));
        if (!othersDeclareErrors)
        {
            document.Components.Schemas.Remove("ProblemDetails");
            document.Components.Schemas.Remove("HttpValidationProblemDetails");
        }

        DescribeTags(document, context.ApplicationServices.GetRequiredService<AddonRegistry>());
        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The document's tags are the ones its operations use (kernel operations are tagged with their addon, so the
    /// handler classes' names the generator collected are dropped), each addon's described by its manifest.
    /// </summary>
    private static void DescribeTags(OpenApiDocument document, AddonRegistry addons)
    {
        var used = (document.Paths ?? [])
            .SelectMany(p => p.Value.Operations ?? [])
            .SelectMany(o => o.Value.Tags ?? Enumerable.Empty<OpenApiTagReference>())
            .Select(t => t.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var existing = (document.Tags ?? Enumerable.Empty<OpenApiTag>()).Where(t => t.Name is not null).ToDictionary(t => t.Name!, StringComparer.Ordinal);
        var tags = new HashSet<OpenApiTag>();
        foreach (var name in used.Order(StringComparer.Ordinal))
        {
            var tag = existing.TryGetValue(name, out var known) ? known : new OpenApiTag { Name = name };
            if (string.IsNullOrEmpty(tag.Description) && addons.Addons.FirstOrDefault(a => a.Manifest.Name == name) is { } addon)
            {
                tag.Description = addon.Manifest.Summary;
            }

            tags.Add(tag);
        }

        document.Tags = tags;
    }

    /// <summary>The error envelope (RFC 9457 problem+json with the kernel's members), as ErrorEnvelope writes it.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "The kernel's one error envelope: RFC 9457 problem details with a stable machine code.",
        Required = new HashSet<string> { "type", "title", "status", "code", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI reference that identifies the problem type; about:blank."),
            ["title"] = Text("The HTTP reason phrase."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("A human-readable explanation; never internals."),
            ["instance"] = Text("The request path."),
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The stable machine code; branch on this, not on detail.",
                Enum = [.. Codes().Select(c => (JsonNode)JsonValue.Create(c))],
            },
            ["traceId"] = Text("The W3C trace id of the request."),
            ["correlationId"] = Text("The request's correlation id (X-Correlation-Id)."),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation failures by field (VALIDATION_FAILED only).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static IEnumerable<string> Codes() =>
        typeof(KernelErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}
