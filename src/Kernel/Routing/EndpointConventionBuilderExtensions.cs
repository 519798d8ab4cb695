using Kernel.Limits;
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

    /// <summary>
    /// Declares the rate-limit policy of a kernel route: one of <c>Kernel:RateLimiting:Policies</c>, instead of the
    /// default policy. The kernel refuses to start with rate limiting on and a route naming a policy that is not configured.
    /// </summary>
    /// <typeparam name="TBuilder">The convention builder type.</typeparam>
    /// <param name="builder">The kernel route's builder.</param>
    /// <param name="policyName">The policy's name, e.g. <c>expensive</c>.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder WithRateLimitPolicy<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        var metadata = new KernelRateLimitMetadata(policyName);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
