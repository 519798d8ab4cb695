using Microsoft.AspNetCore.Http;

namespace Kernel;

/// <summary>
/// A failure the kernel turns into its error envelope. Throw it from handlers through the factory methods
/// (<see cref="NotFound"/>, <see cref="Validation(IReadOnlyDictionary{string, string[]})"/>, <see cref="Conflict"/>, …); the unit of work
/// rolls back and the caller gets the matching status and code.
/// </summary>
public sealed class KernelException : Exception
{
    /// <summary>Creates an exception carrying an envelope status, code and message.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="code">The stable machine code, one of <see cref="KernelErrorCodes"/>.</param>
    /// <param name="message">A human-readable explanation, safe to return to the caller.</param>
    /// <param name="errors">Field errors, for validation failures.</param>
    public KernelException(int status, string code, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Errors = errors;
    }

    /// <summary>Creates an exception with a generic internal error.</summary>
    public KernelException()
        : this(StatusCodes.Status500InternalServerError, KernelErrorCodes.InternalError, "An unexpected error occurred.")
    {
    }

    /// <summary>Creates an internal error with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public KernelException(string message)
        : this(StatusCodes.Status500InternalServerError, KernelErrorCodes.InternalError, message)
    {
    }

    /// <summary>Creates an internal error with <paramref name="message"/> wrapping <paramref name="innerException"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public KernelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status500InternalServerError;
        Code = KernelErrorCodes.InternalError;
    }

    /// <summary>The HTTP status code of the envelope.</summary>
    public int Status { get; }

    /// <summary>The stable machine code of the envelope.</summary>
    public string Code { get; }

    /// <summary>The <c>WWW-Authenticate</c> value of a 401, when more specific than <c>Bearer</c>.</summary>
    internal string? Challenge { get; private init; }

    /// <summary>How long a rate-limited caller should wait (<c>Retry-After</c>), when known.</summary>
    internal TimeSpan? RetryAfter { get; private init; }

    /// <summary>Field errors (field name to messages), or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>404 NOT_FOUND. Use it for missing entities, including other tenants' entities.</summary>
    /// <param name="what">What was not found, e.g. "Request".</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException NotFound(string what = "Resource") =>
        new(StatusCodes.Status404NotFound, KernelErrorCodes.NotFound, $"{what} was not found.");

    /// <summary>400 VALIDATION_FAILED with field errors.</summary>
    /// <param name="errors">Field name to messages.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, KernelErrorCodes.ValidationFailed, "One or more fields are invalid.", errors);

    /// <summary>400 VALIDATION_FAILED for one field.</summary>
    /// <param name="field">The field name as the caller sent it.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>409 CONFLICT.</summary>
    /// <param name="message">Why the request conflicts with the current state.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException Conflict(string message) =>
        new(StatusCodes.Status409Conflict, KernelErrorCodes.Conflict, message);

    /// <summary>412 PRECONDITION_FAILED (an <c>If-Match</c> mismatch).</summary>
    /// <param name="message">What did not match.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException PreconditionFailed(string message) =>
        new(StatusCodes.Status412PreconditionFailed, KernelErrorCodes.PreconditionFailed, message);

    /// <summary>403 FORBIDDEN.</summary>
    /// <param name="message">What is not allowed.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException Forbidden(string message = "You do not have permission to do this.") =>
        new(StatusCodes.Status403Forbidden, KernelErrorCodes.Forbidden, message);

    /// <summary>401 UNAUTHENTICATED.</summary>
    /// <param name="message">Why the identity was not accepted.</param>
    /// <returns>The exception to throw.</returns>
    public static KernelException Unauthenticated(string message = "Authentication is required.") =>
        new(StatusCodes.Status401Unauthorized, KernelErrorCodes.Unauthenticated, message);

    /// <summary>401 UNAUTHENTICATED for presented but rejected credentials, with an RFC 6750 <c>invalid_token</c> challenge.</summary>
    internal static KernelException InvalidToken(string message) =>
        new(StatusCodes.Status401Unauthorized, KernelErrorCodes.Unauthenticated, message) { Challenge = "Bearer error=\"invalid_token\"" };

    /// <summary>429 RATE_LIMITED, with the wait the limiter named.</summary>
    internal static KernelException RateLimited(TimeSpan? retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, KernelErrorCodes.RateLimited, "Too many requests; retry later.") { RetryAfter = retryAfter };

    /// <summary>413 PAYLOAD_TOO_LARGE.</summary>
    internal static KernelException PayloadTooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, KernelErrorCodes.PayloadTooLarge, "The request body is too large.");

    /// <summary>403 TENANT_REQUIRED: the work needs a tenant and has none.</summary>
    /// <returns>The exception to throw.</returns>
    public static KernelException TenantRequired() =>
        new(StatusCodes.Status403Forbidden, KernelErrorCodes.TenantRequired, "This route requires a tenant.");

    /// <summary>403 TENANT_UNKNOWN: the registry has no such tenant.</summary>
    internal static KernelException TenantUnknown() =>
        new(StatusCodes.Status403Forbidden, KernelErrorCodes.TenantUnknown, "The tenant is not known.");

    /// <summary>403 TENANT_SUSPENDED: the tenant exists but may not be used now.</summary>
    internal static KernelException TenantSuspended() =>
        new(StatusCodes.Status403Forbidden, KernelErrorCodes.TenantSuspended, "The tenant is suspended.");

    /// <summary>403 ADDON_NOT_ENABLED: the addon is optional and not switched on for the tenant.</summary>
    internal static KernelException AddonNotEnabled(string addon) =>
        new(StatusCodes.Status403Forbidden, KernelErrorCodes.AddonNotEnabled, $"The addon '{addon}' is not enabled for this tenant.");
}
