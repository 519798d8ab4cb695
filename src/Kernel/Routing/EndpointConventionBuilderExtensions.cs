using Kernel.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Marks endpoints that deliberately stay outside the kernel.</summary>
public static class EndpointConventionBuilderExtensions
{
    /// <summary>
    /// Declares that an endpoint mapped without the kernel route builder (a health probe, an identity provider's
    /// token endpoint) is intentionally outside the kernel: no kernel context, unit of work or envelope. Without
    /// this mark the kernel refuses to start an app with such an endpoint.
    /// </summary>
    /// <typeparam name="TBuilder">The convention builder type.</typeparam>
    /// <param name="builder">The endpoint convention builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder ExcludeFromKernel<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(OutsideKernelMetadata.Instance));
        return builder;
    }
}
