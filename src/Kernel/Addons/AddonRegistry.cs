namespace Kernel.Addons;

/// <summary>The addons an app added, in registration order; <see cref="Ordered"/> is the dependency order.</summary>
internal sealed class AddonRegistry
{
    private readonly List<IAddon> _addons = [new KernelAddon()];
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
