using Kernel;
using Kernel.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Describes the kernel's routes in an OpenAPI document.</summary>
public static class KernelOpenApiBuilderExtensions
{
    /// <summary>
    /// Adds an OpenAPI 3.1 document (Microsoft.AspNetCore.OpenApi) in which every kernel route is described as the
    /// kernel runs it: <c>operationId</c> is the route name, non-public routes require the bearer scheme, the
    /// required permission is the <c>x-kernel-permission</c> extension (with <c>x-kernel-access</c> and
    /// <c>x-kernel-addon</c>), and every 4xx/5xx the kernel can answer with refers to the one error envelope,
    /// <c>#/components/schemas/KernelProblem</c>. Request and response schemas come from the handlers (typed results,
    /// <c>Produces&lt;T&gt;</c>). Serve it with <c>app.MapOpenApi("/openapi/v1.json").ExcludeFromKernel()</c>
    /// (a fixed path: the default <c>/openapi/{documentName}.json</c> answers unknown names with a bare 404).
    /// </summary>
    /// <param name="kernel">The kernel builder.</param>
    /// <param name="documentName">The document name. The default value is <c>v1</c>.</param>
    /// <param name="configure">Further configuration of the document, applied after the kernel's.</param>
    /// <returns>The same builder.</returns>
    public static KernelBuilder AddOpenApi(this KernelBuilder kernel, string documentName = "v1", Action<OpenApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        kernel.Services.AddOpenApi(documentName, options =>
        {
            options.AddDocumentTransformer<KernelDocumentTransformer>();
            options.AddOperationTransformer<KernelOperationTransformer>();
            options.AddSchemaTransformer<KernelSchemaTransformer>();
            configure?.Invoke(options);
        });
        return kernel;
    }
}
