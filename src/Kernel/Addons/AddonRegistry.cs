namespace Kernel.Addons;

/// <summary>The addons an app added, in registration order; <see cref="Ordered"/> is the dependency order.</summary>
/// <param name="kernel">The kernel's own addon (<c>KernelAddon</c>, which composes the features above this folder), always first.</param>
internal sealed class AddonRegistry(IAddon kernel)
{
    private readonly List<IAddon> _addons = [kernel];
    private IReadOnlyList<IAddon>? _ordered;

    public IReadOnlyList<IAddon> Addons => _addons;

    /// <summary>Dependency order, validated once; throws <see cref="AddonGraphException"/> naming the chain.</summary>
    public IReadOnlyList<IAddon> Ordered => _ordered ??= AddonGraph.Order(_addons);

    public void Add(IAddon addon)
    {
        _ordered = null;
        _addons.Add(addon);
    }
}
