using Microsoft.AspNetCore.Http;

namespace Kernel.Auth;

/// <summary>
/// The seam identities plug into: dev headers (Development only) and JWT bearer tokens. A source returns
/// <see cref="IdentityResult.None"/> when the request carries none of its credentials.
/// </summary>
internal interface IIdentitySource
{
    ValueTask<IdentityResult> AuthenticateAsync(HttpContext httpContext);
}
