using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Kernel.Limits;

/// <summary>
/// The checks of <see cref="KernelRequestLimits"/> that run before a kernel route's identity and handler: body size (the
/// route's own <see cref="KernelBodyLimitMetadata"/>, if it has one) and query string.
/// </summary>
internal static class RequestLimitCheck
{
    public static void Apply(HttpContext httpContext, KernelRequestLimits limits)
    {
        var request = httpContext.Request;
        var maxBodyBytes = limits.MaxRequestBodyBytes;
        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<KernelBodyLimitMetadata>() is { } own)
        {
            maxBodyBytes = own.MaxBytes;
        }

        if (request.ContentLength > maxBodyBytes)
        {
            throw KernelException.PayloadTooLarge();
        }

        // A body without a length (chunked) is read through a counter that fails past the limit with a 413.
        if (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
        {
            request.Body = new LengthLimitedStream(request.Body, maxBodyBytes);
        }

        if (request.QueryString.HasValue)
        {
            CheckQuery(request.Query, limits.MaxQueryValueLength);
        }
    }

    /// <summary>
    /// Raises the server's own body limit (Kestrel's default is about 28.6 MiB) to the route's
    /// <see cref="KernelBodyLimitMetadata"/>, for a handler about to read an upload. Called by the handler, after the
    /// access decision, so an anonymous caller never gets the larger limit; the kernel's own count still applies.
    /// </summary>
    public static void AllowRouteBodyLimit(HttpContext httpContext)
    {
        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<KernelBodyLimitMetadata>() is { } own
            && httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = own.MaxBytes;
        }
    }

    private static void CheckQuery(IQueryCollection query, int maxLength)
    {
        foreach (var (name, values) in query)
        {
            if (name.Length > maxLength || name.Contains('\0', StringComparison.Ordinal))
            {
                throw KernelException.Validation("query", $"A query parameter name is longer than {maxLength} characters or contains a NUL character.");
            }

            var field = name.Length <= 64 ? name : "query";
            foreach (var value in values)
            {
                if (value is { Length: var length } && length > maxLength)
                {
                    throw KernelException.Validation(field, $"Must be at most {maxLength} characters.");
                }

                if (value?.Contains('\0', StringComparison.Ordinal) == true)
                {
                    throw KernelException.Validation(field, "Must not contain NUL characters.");
                }
            }
        }
    }
}
