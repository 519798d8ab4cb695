using System.Threading.RateLimiting;
using Kernel.Addons;
using Kernel.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Kernel.Limits;

/// <summary>
/// Hangs the <see cref="KernelRateLimiter"/> on ASP.NET Core's rate-limiting middleware (chained after a global
/// limiter the app set itself) and answers kernel routes' refusals with the envelope: 429 RATE_LIMITED, Retry-After.
/// A post-configuration, so what the app configured with <c>AddRateLimiter</c> is already there to keep.
/// </summary>
internal sealed class RateLimiterSetup(IOptions<KernelOptions> kernel, KernelRateLimiter limiter) : IPostConfigureOptions<RateLimiterOptions>
{
    public void PostConfigure(string? name, RateLimiterOptions options)
    {
        if (!kernel.Value.RateLimiting.Enabled)
        {
            return;
        }

        options.GlobalLimiter = options.GlobalLimiter is null
            ? limiter.Limiter
            : PartitionedRateLimiter.CreateChained(options.GlobalLimiter, limiter.Limiter);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        var appRejected = options.OnRejected;
        options.OnRejected = (context, cancellationToken) =>
        {
            if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<KernelRouteMetadata>() is null)
            {
                return appRejected?.Invoke(context, cancellationToken) ?? ValueTask.CompletedTask;
            }

            TimeSpan? retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
            return new ValueTask(ErrorEnvelope.WriteAsync(context.HttpContext, KernelException.RateLimited(retryAfter)));
        };
    }
}
