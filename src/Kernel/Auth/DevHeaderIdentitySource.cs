using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Auth;

/// <summary>
/// Development-only identity from <c>X-Dev-Actor</c>, <c>X-Dev-Tenant</c> and <c>X-Dev-Roles</c>. The kernel
/// refuses to start with it enabled outside the Development environment.
/// </summary>
internal sealed class DevHeaderIdentitySource(IOptions<KernelOptions> options) : IIdentitySource
{
    private readonly bool _enabled = options.Value.Auth.EnableDevHeaders;

    public const string ActorHeader = "X-Dev-Actor";
    public const string TenantHeader = "X-Dev-Tenant";
    public const string RolesHeader = "X-Dev-Roles";

    public ValueTask<IdentityResult> AuthenticateAsync(HttpContext httpContext)
    {
        var headers = httpContext.Request.Headers;
        if (!_enabled || !headers.TryGetValue(ActorHeader, out var actorValues))
        {
            return ValueTask.FromResult(IdentityResult.None);
        }

        var actor = actorValues.ToString().Trim();
        if (actor.Length is 0 or > 200 || actorValues.Count != 1)
        {
            return ValueTask.FromResult(IdentityResult.Failed($"{ActorHeader} must be one non-empty value of at most 200 characters."));
        }

        var roles = headers[RolesHeader].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        var tenant = headers.TryGetValue(TenantHeader, out var tenantValues) ? tenantValues.ToString().Trim() : null;
        return ValueTask.FromResult(new IdentityResult { ActorId = actor, Roles = roles, Tenant = tenant });
    }
}
