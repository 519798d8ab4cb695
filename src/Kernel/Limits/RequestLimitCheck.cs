using Microsoft.AspNetCore.Http;

namespace Kernel.Limits;

/// <summary>The checks of <see cref="KernelRequestLimits"/> that run before a kernel route's identity and handler: body size and query string.</summary>
internal static class RequestLimitCheck
{
    public static void Apply(HttpContext httpContext, KernelRequestLimits limits)
    {
        var request = httpContext.Request;
        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            throw KernelException.PayloadTooLarge();
        }

        // A body without a length (chunked) is read through a counter that fails past the limit with a 413.
        if (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
        {
            request.Body = new LengthLimitedStream(request.Body, limits.MaxRequestBodyBytes);
        }

        if (request.QueryString.HasValue)
        {
            CheckQuery(request.Query, limits.MaxQueryValueLength);
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
