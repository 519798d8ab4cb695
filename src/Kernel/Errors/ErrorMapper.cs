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
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                return new KernelException(
                    StatusCodes.Status415UnsupportedMediaType,
                    KernelErrorCodes.UnsupportedMediaType,
                    "The request body must be JSON (Content-Type: application/json).");
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return new KernelException(StatusCodes.Status413PayloadTooLarge, KernelErrorCodes.ValidationFailed, "The request body is too large.");
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
            case PostgresException pg when IsUnavailable(pg.SqlState):
            case NpgsqlException npgsql when npgsql is not PostgresException:
            case TimeoutException:
                return new KernelException(StatusCodes.Status503ServiceUnavailable, KernelErrorCodes.Unavailable, "The service is temporarily unavailable; retry later.");
            default:
                unexpected = true;
                return new KernelException();
        }
    }

    // Connection exceptions (08), operator intervention/shutdown (57P0x), insufficient resources (53).
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) ||
        sqlState.StartsWith("57P0", StringComparison.Ordinal) ||
        sqlState.StartsWith("53", StringComparison.Ordinal);
}
