using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Kernel.Errors;

/// <summary>The correlation id: the caller's <c>X-Correlation-Id</c> when well formed, else a new one; echoed on every response.</summary>
internal static partial class CorrelationId
{
    public const string Header = "X-Correlation-Id";
    private static readonly object Key = new();

    public static string Get(HttpContext httpContext)
    {
        if (httpContext.Items.TryGetValue(Key, out var value) && value is string existing)
        {
            return existing;
        }

        var incoming = httpContext.Request.Headers[Header];
        var id = incoming.Count == 1 && IsWellFormed(incoming.ToString()) ? incoming.ToString() : Guid.NewGuid().ToString("N");
        httpContext.Items[Key] = id;
        return id;
    }

    public static void Echo(HttpContext httpContext) => httpContext.Response.Headers[Header] = Get(httpContext);

    public static bool IsWellFormed(string value) => value.Length is > 0 and <= 64 && Pattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
