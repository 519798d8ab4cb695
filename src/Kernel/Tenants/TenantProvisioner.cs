using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kernel.Tenants;

/// <summary>
/// <see cref="ITenantRegistry"/>: validates, registers the tenant and runs the addons' tenant-created hooks in a unit
/// of work of the new tenant's own context, one transaction, so a failing hook leaves no tenant behind. The tenant is
/// on <see cref="KernelTenancyOptions.DefaultPlan"/>; an optional addon's hooks run only when that plan switches it on
/// (<see cref="IAddon.OnTenantCreatedAsync"/>, then <see cref="IAddon.OnEnabledAsync"/>).
/// </summary>
internal sealed class TenantProvisioner(IServiceScopeFactory scopes, AddonCatalog addons, IOptions<KernelOptions> options) : ITenantRegistry
{
    private const int MaxExternalIds = 20;

    /// <summary>Slugs that name parts of a product (host names, paths) rather than a customer.</summary>
    private static readonly HashSet<string> BuiltInReservedSlugs = new(StringComparer.Ordinal)
    {
        "admin", "api", "app", "assets", "auth", "cdn", "console", "dashboard", "docs", "help", "internal", "kernel",
        "login", "mail", "platform", "root", "static", "status", "support", "system", "www",
    };

    public async Task<Guid> CreateAsync(NewTenant tenant, string actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        Validate(tenant.Slug, tenant.Name, tenant.ExternalIds);
        var id = tenant.Id ?? Guid.CreateVersion7();
        return await TenantScope.RunAsync(
            scopes,
            id,
            actorId,
            async (services, unitOfWork) =>
            {
                await services.GetRequiredService<TenantStore>().CreateAsync(id, tenant.Slug, tenant.Name.Trim(), tenant.ExternalIds, cancellationToken).ConfigureAwait(false);

                // The addons it has: every one that is not optional, and the optional ones its (the default) plan switches on.
                var enabled = addons.Enabled(addons.DefaultPlan, [], []);
                foreach (var addon in addons.Ordered)
                {
                    var optional = addon.Manifest.Optional;
                    if (!optional || enabled.Contains(addon.Manifest.Name))
                    {
                        await addon.OnTenantCreatedAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false);
                        if (optional)
                        {
                            await addon.OnEnabledAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                return id;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The slug syntax, and not a UUID (32 hex digits fit the syntax): wherever a tenant is named by id or slug (the header
    /// strategy, a memberships claim), a UUID-shaped slug would be read as another tenant's id, or match it.
    /// </summary>
    internal static bool IsValidSlug(string slug) =>
        slug.Length is > 0 and <= 63 && TenantSlug.Pattern().IsMatch(slug) && !Guid.TryParse(slug, out _);

    private void Validate(string? slug, string? name, IReadOnlyList<string>? externalIds)
    {
        var errors = new ValidationErrors();
        if (slug is null || !IsValidSlug(slug))
        {
            errors.Add("slug", "Is required: 1 to 63 lower-case letters and digits, single hyphens between them (e.g. 'acme-corp'), not a UUID.");
        }
        else if (BuiltInReservedSlugs.Contains(slug) || options.Value.Tenancy.ReservedSlugs.Contains(slug, StringComparer.Ordinal))
        {
            errors.Add("slug", $"'{slug}' is reserved.");
        }

        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 200)
        {
            errors.Add("name", "Is required: 1 to 200 characters.");
        }

        externalIds ??= [];
        if (externalIds.Count > MaxExternalIds)
        {
            errors.Add("externalIds", $"Must list at most {MaxExternalIds} ids.");
        }
        else if (externalIds.Any(x => string.IsNullOrWhiteSpace(x) || x.Length > 200 || x != x.Trim()))
        {
            errors.Add("externalIds", "Each must be 1 to 200 characters without surrounding spaces.");
        }
        else if (externalIds.Distinct(StringComparer.Ordinal).Count() != externalIds.Count)
        {
            errors.Add("externalIds", "Must not repeat an id.");
        }

        errors.ThrowIfAny();
    }
}
