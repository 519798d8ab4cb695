using Microsoft.AspNetCore.Http;

namespace Kernel.Benchmarks.Routing;

/// <summary>
/// The raw baseline's equivalent of the kernel's dev-header identity: actor, tenant (a UUID) and roles from the same
/// headers, with the same checks, and nothing else.
/// </summary>
/// <param name="Actor">The actor id.</param>
/// <param name="Tenant">The tenant id.</param>
/// <param name="Roles">The actor's roles.</param>
internal sealed record RawHeaderIdentity(string Actor, Guid Tenant, IReadOnlySet<string> Roles)
{
    /// <summary>The identity the request's headers carry, or null when they carry none that is valid.</summary>
    public static RawHeaderIdentity? Read(HttpContext http)
    {
        var headers = http.Request.Headers;
        if (!headers.TryGetValue("X-Dev-Actor", out var actorValues) || actorValues.Count != 1)
        {
            return null;
        }

        var actor = actorValues.ToString().Trim();
        if (actor.Length is 0 or > 200 || !Guid.TryParse(headers["X-Dev-Tenant"].ToString(), out var tenant) || tenant == Guid.Empty)
        {
            return null;
        }

        var roles = headers["X-Dev-Roles"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        return new RawHeaderIdentity(actor, tenant, roles);
    }
}
