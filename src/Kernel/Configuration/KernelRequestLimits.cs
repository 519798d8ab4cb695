namespace Kernel;

/// <summary>
/// Limits on what a request to a kernel route may carry (<c>Kernel:Limits</c>). Past them a request is refused before
/// its handler runs: <c>413 PAYLOAD_TOO_LARGE</c> for the body, <c>400 VALIDATION_FAILED</c> naming the field otherwise.
/// The JSON limits apply to the application's minimal-API JSON options, so every endpoint that binds JSON has them.
/// </summary>
public sealed class KernelRequestLimits
{
    /// <summary>The largest request body of a kernel route, in bytes. The default value is 1048576 (1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays in a JSON body. The default value is 32.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// The longest string in a JSON body, in characters. Strings with a NUL character (which PostgreSQL cannot store)
    /// are refused too. The default value is 16384.
    /// </summary>
    public int MaxStringLength { get; set; } = 16 * 1024;

    /// <summary>The longest query-string parameter name or value of a kernel route, in characters. The default value is 2048.</summary>
    public int MaxQueryValueLength { get; set; } = 2048;
}
