namespace Kernel;

/// <summary>
/// The current tenant's value of an addon's settings (<see cref="AddonSettings"/>): the class's defaults, overridden by
/// the tenant's plan, overridden by the tenant's own changes. Cached per instance and refreshed on every instance within
/// about a second of a change. Inject it into route handlers and job handlers (it needs the kernel context's tenant).
/// </summary>
/// <typeparam name="TSettings">The settings class an addon declared.</typeparam>
public interface ITenantSettings<TSettings>
    where TSettings : class
{
    /// <summary>The tenant's current settings; a shared instance, not to be changed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings.</returns>
    ValueTask<TSettings> GetAsync(CancellationToken cancellationToken = default);
}
