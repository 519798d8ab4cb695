namespace Kernel.Tenants.Settings;

/// <summary><see cref="ITenantSettings{TSettings}"/> over <see cref="TenantSettingsStore"/>, for the current tenant.</summary>
internal sealed class TenantSettings<TSettings>(SettingsCatalog catalog, TenantSettingsStore store) : ITenantSettings<TSettings>
    where TSettings : class
{
    public async ValueTask<TSettings> GetAsync(CancellationToken cancellationToken = default)
    {
        var shape = catalog.Find(typeof(TSettings)) ?? throw new InvalidOperationException(
            $"No addon declares {typeof(TSettings).Name} as its settings. Declare it in the manifest: Settings = AddonSettings.Of<{typeof(TSettings).Name}>().");
        var entry = await store.GetAsync(shape, cancellationToken).ConfigureAwait(false);
        return (TSettings)entry.Value;
    }
}
