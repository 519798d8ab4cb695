namespace Kernel.Limits;

/// <summary>
/// A kernel route's own body limit, in place of <see cref="KernelRequestLimits.MaxRequestBodyBytes"/>: for a route
/// whose body is an upload (a tenant import) rather than JSON. The route wrapper applies it like the global limit
/// (<c>Content-Length</c>, or a counter on a chunked body) and raises the server's own limit to it for that request.
/// </summary>
/// <param name="MaxBytes">The largest body the route accepts, in bytes.</param>
internal sealed record KernelBodyLimitMetadata(long MaxBytes);
