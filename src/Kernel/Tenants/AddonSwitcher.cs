using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Tenants;

/// <summary>
/// Switches optional addons on and off for a tenant, and moves it between plans, in the tenant's own context and one
/// transaction with the addons' <see cref="IAddon.OnEnabledAsync"/> and <see cref="IAddon.OnDisabledAsync"/> hooks (a
/// failing hook undoes the switch). The change is made first, locking the tenant's registry row, and the dependency
/// rules are checked on the state it leaves, so two operators switching one tenant at once cannot leave an addon on
/// without what it depends on.
/// </summary>
internal sealed class AddonSwitcher(IServiceScopeFactory scopes, AddonCatalog catalog)
{
    public Task<TenantView> SetAddonAsync(Guid tenant, string name, bool enabled, string actorId, CancellationToken cancellationToken)
    {
        var addon = catalog.Find(name) ?? throw KernelException.NotFound("Addon");
        if (!addon.Manifest.Optional)
        {
            throw KernelException.Conflict($"The addon '{name}' is not optional: it is on for every tenant.");
        }

        return TenantScope.RunAsync(
            scopes,
            tenant,
            actorId,
            async (services, unitOfWork) =>
            {
                var store = services.GetRequiredService<TenantStore>();
                await EnsureSwitchableAsync(store, tenant, cancellationToken).ConfigureAwait(false);
                await store.SetAddonAsync(tenant, name, enabled, cancellationToken).ConfigureAwait(false);
                var after = await store.GetAsync(tenant, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Tenant");
                var on = OptionalOn(after);
                if (enabled && catalog.MissingDependency(name, on) is { } chain)
                {
                    throw KernelException.Conflict($"'{name}' needs addons that are off for this tenant: {chain}. Switch them on first.");
                }

                if (!enabled && catalog.Dependents(name, on) is { Count: > 0 } dependents)
                {
                    throw KernelException.Conflict($"Addons that are on for this tenant depend on '{name}': {string.Join(", ", dependents)}. Switch them off first.");
                }

                await (enabled
                    ? addon.OnEnabledAsync(unitOfWork, tenant, cancellationToken)
                    : addon.OnDisabledAsync(unitOfWork, tenant, cancellationToken)).ConfigureAwait(false);
                return after;
            },
            cancellationToken);
    }

    /// <summary>Puts the tenant on <paramref name="plan"/> (null: none): hooks for each addon that this switches on or off.</summary>
    public Task<TenantView> SetPlanAsync(Guid tenant, string? plan, string actorId, CancellationToken cancellationToken)
    {
        if (plan is not null && !catalog.IsPlan(plan))
        {
            throw KernelException.Validation("plan", $"Unknown plan '{plan}'. Plans: {string.Join(", ", catalog.Plans.Select(p => p.Key).Order(StringComparer.Ordinal))}.");
        }

        return TenantScope.RunAsync(
            scopes,
            tenant,
            actorId,
            async (services, unitOfWork) =>
            {
                var store = services.GetRequiredService<TenantStore>();
                var before = OptionalOn(await EnsureSwitchableAsync(store, tenant, cancellationToken).ConfigureAwait(false));
                await store.SetPlanAsync(tenant, plan, cancellationToken).ConfigureAwait(false);
                var after = await store.GetAsync(tenant, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Tenant");
                var on = OptionalOn(after);
                var broken = on.Select(name => catalog.MissingDependency(name, on)).FirstOrDefault(chain => chain is not null);
                if (broken is not null)
                {
                    throw KernelException.Conflict($"On this plan the tenant would have an addon without what it needs: {broken}. Switch the dependency on for the tenant first.");
                }

                // Off in reverse dependency order (dependents first), on in dependency order.
                foreach (var addon in catalog.Ordered.Reverse().Where(a => before.Contains(a.Manifest.Name) && !on.Contains(a.Manifest.Name)))
                {
                    await addon.OnDisabledAsync(unitOfWork, tenant, cancellationToken).ConfigureAwait(false);
                }

                foreach (var addon in catalog.Ordered.Where(a => on.Contains(a.Manifest.Name) && !before.Contains(a.Manifest.Name)))
                {
                    await addon.OnEnabledAsync(unitOfWork, tenant, cancellationToken).ConfigureAwait(false);
                }

                return after;
            },
            cancellationToken);
    }

    private static async Task<TenantView> EnsureSwitchableAsync(TenantStore store, Guid tenant, CancellationToken cancellationToken)
    {
        var view = await store.GetAsync(tenant, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Tenant");
        return view.Status is TenantStatus.Erasing or TenantStatus.Erased
            ? throw KernelException.Conflict($"The tenant is {view.Status}.")
            : view;
    }

    private FrozenSet<string> OptionalOn(TenantView view) => view.Addons.Where(catalog.Optional.Contains).ToFrozenSet(StringComparer.Ordinal);
}
