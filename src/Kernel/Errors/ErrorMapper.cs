using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Kernel.Errors;

/// <summary>Maps any failure to the envelope. Only <see cref="KernelException"/> messages reach the caller verbatim.</summary>
internal static class ErrorMapper
{
    public static KernelException Map(Exception exception, out bool unexpected)
    {
        unexpected = false;
        switch (exception)
        {
            case KernelException kernel:
                return kernel;
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType or StatusCodes.Status413PayloadTooLarge } bad:
                return FromStatus(bad.StatusCode);
            case BadHttpRequestException { InnerException: JsonLimitException limit }:
                return KernelException.Validation(string.IsNullOrEmpty(limit.Path) ? "body" : limit.Path, limit.Reason);
            case BadHttpRequestException { InnerException: JsonException json }:
                return KernelException.Validation(
                    string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path,
                    "The request body is not valid JSON, or this field has the wrong type.");
            case BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal):
                return KernelException.Validation("body", "A JSON request body is required.");
            case BadHttpRequestException:
                return KernelException.Validation("request", "The request could not be read: a parameter is missing or malformed.");
            case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }:
                return KernelException.Conflict("The change conflicts with an existing record.");
            case PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected }:
                return KernelException.Conflict("The change conflicted with a concurrent change; retry it.");
            case PostgresException pg when IsBadValue(pg.SqlState):
                // Input the handler let through but PostgreSQL cannot take (a value out of range, a character the
                // encoding has no place for, an index entry too large): the caller's fault, not the server's.
                return KernelException.Validation("request", "A value is out of range or cannot be stored.");
            case PostgresException pg when IsUnavailable(pg.SqlState):
            case NpgsqlException npgsql when npgsql is not PostgresException:
            case TimeoutException:
                return FromStatus(StatusCodes.Status503ServiceUnavailable);
            default:
                unexpected = true;
                return new KernelException();
        }
    }

    // Data exceptions (22: out of range, invalid text representation, untranslatable character, ...) and
    // program_limit_exceeded (54000: e.g. an index row too large).
    private static bool IsBadValue(string sqlState) =>
        sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState == PostgresErrorCodes.ProgramLimitExceeded;

    // Connection exceptions (08), operator intervention/shutdown (57P0x), insufficient resources (53).
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) ||
        sqlState.StartsWith("57P0", StringComparison.Ordinal) ||
        sqlState.StartsWith("53", StringComparison.Ordinal);

    /// <summary>The envelope for a bare status code (from routing or a handler's status-only result).</summary>
    public static KernelException FromStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => KernelException.NotFound(),
        StatusCodes.Status405MethodNotAllowed => new KernelException(status, KernelErrorCodes.MethodNotAllowed, "This route does not accept that HTTP method."),
        StatusCodes.Status401Unauthorized => KernelException.Unauthenticated(),
        StatusCodes.Status403Forbidden => KernelException.Forbidden(),
        StatusCodes.Status415UnsupportedMediaType => new KernelException(status, KernelErrorCodes.UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json)."),
        StatusCodes.Status413PayloadTooLarge => KernelException.PayloadTooLarge(),
        StatusCodes.Status409Conflict => KernelException.Conflict("The request conflicts with the current state."),
        StatusCodes.Status429TooManyRequests => KernelException.RateLimited(null),
        StatusCodes.Status503ServiceUnavailable => new KernelException(status, KernelErrorCodes.Unavailable, "The service is temporarily unavailable; retry later."),
        >= 500 => new KernelException(),
        _ => new KernelException(status, KernelErrorCodes.ValidationFailed, "The request is invalid."),
    };
}
