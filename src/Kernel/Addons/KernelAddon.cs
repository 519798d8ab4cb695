namespace Kernel.Addons;

/// <summary>The kernel's own addon: its schema, migrations and (later) its routes. Always first.</summary>
internal sealed class KernelAddon : IAddon
{
    public const string Name = "kernel";

    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "0.1.0",
        Summary = "The kernel: context, routes, data, migrations.",
    };
}
