using Kernel.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Kernel.Tenants;

/// <summary>
/// Finds a request's tenant through the registry, fail closed, before any handler or data access. Strategies, in
/// order: a header naming the tenant (<see cref="KernelTenancyOptions.HeaderName"/>), the request host
/// (<see cref="KernelTenancyOptions.HostSuffix"/>), and the credentials' tenant claim. A tenant named by the header or
/// the host is accepted only when the credentials tie the actor to it (the tenant claim names the same tenant, or the
/// memberships claim lists it). The claim may hold the tenant's UUID or one of its external ids. Lookups are answered
/// from <see cref="TenantCache"/>; the rest of the kernel sees only the resulting tenant id.
/// </summary>
internal sealed class TenantResolver(TenantLookup lookup, IOptions<KernelOptions> options)
{
    /// <summary>Longer identifiers name no tenant (external ids are at most this long), and are not looked up.</summary>
    private const int MaxIdentifierLength = 200;

    private readonly KernelTenancyOptions _tenancy = options.Value.Tenancy;
    private readonly bool _open = options.Value.Tenancy.Registry == TenantRegistryMode.Open;

    /// <summary>The tenant; null when the request names none; a <see cref="KernelException"/> when it names one it may not use.</summary>
    public async ValueTask<ResolvedTenant?> ResolveAsync(HttpContext httpContext, IdentityResult identity, CancellationToken cancellationToken)
    {
        var claimed = identity.Tenant is { Length: > 0 } value ? value : null;
        var (named, slugOnly) = NamedByRequest(httpContext.Request);
        if (named is null)
        {
            return claimed is null ? null : await FromClaimAsync(claimed, cancellationToken).ConfigureAwait(false);
        }

        var entry = await FindAsync(named, slugOnly, cancellationToken).ConfigureAwait(false) ?? throw KernelException.TenantUnknown();
        if (!(claimed is not null && ClaimNames(claimed, entry)) && !await AnyMembershipNamesAsync(identity.Memberships, entry, cancellationToken).ConfigureAwait(false))
        {
            throw KernelException.Forbidden("The credentials do not make the actor a member of the tenant this request names.");
        }

        return Usable(entry);
    }

    /// <summary>Whether the tenant claim names <paramref name="entry"/> as resolution reads a claim: by id or external id, never by slug.</summary>
    private static bool ClaimNames(string claimed, TenantEntry entry) =>
        Guid.TryParse(claimed, out var id) ? id == entry.Id : entry.ExternalIds.Contains(claimed, StringComparer.Ordinal);

    /// <summary>
    /// Whether a membership names <paramref name="entry"/> as the header strategy would resolve it (id, else external
    /// id, else slug): one tenant's slug that is another's external id names the other, so membership of the other
    /// does not open this one.
    /// </summary>
    private async ValueTask<bool> AnyMembershipNamesAsync(IReadOnlyList<string> memberships, TenantEntry entry, CancellationToken cancellationToken)
    {
        foreach (var membership in memberships)
        {
            if (Guid.TryParse(membership, out var id))
            {
                if (id == entry.Id)
                {
                    return true;
                }
            }
            else if (entry.ExternalIds.Contains(membership, StringComparer.Ordinal))
            {
                return true;
            }
            else if (string.Equals(membership, entry.Slug, StringComparison.Ordinal)
                && await lookup.FindByExternalIdAsync(membership, cancellationToken).ConfigureAwait(false) is null)
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<ResolvedTenant?> FromClaimAsync(string claimed, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(claimed, out var id) && id != Guid.Empty)
        {
            var registered = await lookup.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
            return registered is not null ? Usable(registered) : _open ? new ResolvedTenant(id, null) : throw KernelException.TenantUnknown();
        }

        var entry = claimed.Length <= MaxIdentifierLength
            ? await lookup.FindByExternalIdAsync(claimed, cancellationToken).ConfigureAwait(false)
            : null;
        return entry is null ? throw KernelException.TenantUnknown() : Usable(entry);
    }

    private async ValueTask<TenantEntry?> FindAsync(string identifier, bool slugOnly, CancellationToken cancellationToken)
    {
        if (identifier.Length > MaxIdentifierLength)
        {
            return null;
        }

        if (!slugOnly)
        {
            if (Guid.TryParse(identifier, out var id))
            {
                return await lookup.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
            }

            if (await lookup.FindByExternalIdAsync(identifier, cancellationToken).ConfigureAwait(false) is { } byExternalId)
            {
                return byExternalId;
            }
        }

        return await lookup.FindBySlugAsync(identifier, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant named by the header strategy, else by the host strategy (a slug), else none.</summary>
    private (string? Identifier, bool SlugOnly) NamedByRequest(HttpRequest request)
    {
        if (_tenancy.HeaderName is { } header && request.Headers.TryGetValue(header, out var values))
        {
            return values.Count == 1 && values[0] is { Length: > 0 } named
                ? (named.Trim(), false)
                : throw KernelException.Validation(header, "Must be one tenant id, external id or slug.");
        }

        if (_tenancy.HostSuffix is { } suffix)
        {
            var host = request.Host.Host;
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var label = host[..^suffix.Length].ToLowerInvariant();
                if (!label.Contains('.', StringComparison.Ordinal))
                {
                    return (label, true);
                }
            }
        }

        return (null, false);
    }

    private static ResolvedTenant Usable(TenantEntry entry) => entry.Status switch
    {
        TenantStatus.Active => new ResolvedTenant(entry.Id, entry),
        TenantStatus.Erased => throw KernelException.TenantUnknown(),
        _ => throw KernelException.TenantSuspended(),
    };
}

/// <summary>A request's tenant: its id, and its registry entry (null only for an unregistered tenant under <see cref="TenantRegistryMode.Open"/>).</summary>
internal readonly record struct ResolvedTenant(Guid Id, TenantEntry? Entry)
{
    /// <summary>Whether the optional addon is on for the tenant; an unregistered tenant has no plan and no switches, so none.</summary>
    public bool HasAddon(string addon) => Entry?.HasAddon(addon) == true;
}
