using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kernel.Errors;

/// <summary>Writes the one error envelope: RFC 9457 problem+json with <c>code</c>, <c>traceId</c>, <c>correlationId</c> and field errors.</summary>
internal static class ErrorEnvelope
{
    public const string ContentType = "application/problem+json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext httpContext, KernelException error)
    {
        var response = httpContext.Response;
        response.Clear();
        response.StatusCode = error.Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        CorrelationId.Echo(httpContext);
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = error.Challenge ?? "Bearer";
        }

        var body = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = ReasonPhrases.GetReasonPhrase(error.Status),
            ["status"] = error.Status,
            ["detail"] = error.Message,
            ["instance"] = httpContext.Request.Path.Value,
            ["code"] = error.Code,
            ["traceId"] = Activity.Current?.TraceId.ToHexString() ?? httpContext.TraceIdentifier,
            ["correlationId"] = CorrelationId.Get(httpContext),
        };
        if (error.RetryAfter is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            body["retryAfter"] = seconds;
        }

        if (error.Errors is { Count: > 0 })
        {
            body["errors"] = error.Errors;
        }

        return JsonSerializer.SerializeAsync(response.Body, body, JsonOptions, httpContext.RequestAborted);
    }
}
