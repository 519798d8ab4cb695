namespace Kernel;

/// <summary>The stable machine codes of the kernel's error envelope (RFC 9457 problem+json, member <c>code</c>).</summary>
public static class KernelErrorCodes
{
    /// <summary>400: the input failed validation; <c>errors</c> names the fields. Also malformed JSON.</summary>
    public const string ValidationFailed = "VALIDATION_FAILED";

    /// <summary>401: no valid identity on a route that needs one.</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";

    /// <summary>403: the actor lacks the route's permission.</summary>
    public const string Forbidden = "FORBIDDEN";

    /// <summary>404: no such route or entity (including another tenant's entity).</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>405: the route exists but not for this HTTP method.</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";

    /// <summary>409: the request conflicts with the entity's state.</summary>
    public const string Conflict = "CONFLICT";

    /// <summary>412: an <c>If-Match</c> precondition did not hold.</summary>
    public const string PreconditionFailed = "PRECONDITION_FAILED";

    /// <summary>413: the request body is larger than the route accepts (<c>Kernel:Limits:MaxRequestBodyBytes</c>, or a route's own limit such as <c>Kernel:Tenancy:MaxImportBytes</c>).</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    /// <summary>415: the request body is not of a content type the route accepts.</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>429: the tenant or client exceeded its rate limit.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>403 when missing, 400 when malformed: the route needs a tenant and has none, or names it in a form no strategy accepts.</summary>
    public const string TenantRequired = "TENANT_REQUIRED";

    /// <summary>403: the tenant the credentials name is not in the registry (or was erased).</summary>
    public const string TenantUnknown = "TENANT_UNKNOWN";

    /// <summary>403: the tenant the credentials name is suspended (or being erased); its data is kept.</summary>
    public const string TenantSuspended = "TENANT_SUSPENDED";

    /// <summary>403: the route (or job type) belongs to an optional addon that is not switched on for the tenant.</summary>
    public const string AddonNotEnabled = "ADDON_NOT_ENABLED";

    /// <summary>503: a dependency (the database) is unavailable; retry later.</summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>500: an unexpected failure; details are logged, never returned.</summary>
    public const string InternalError = "INTERNAL_ERROR";
}
