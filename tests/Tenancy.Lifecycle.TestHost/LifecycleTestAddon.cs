using Kernel;

namespace Tenancy.Lifecycle.TestHost;

/// <summary>The lifecycle tests' addon: tables only (schema <c>lt</c>), no routes.</summary>
public sealed class LifecycleTestAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "lifecycletest",
        Version = "0.0.0",
        Summary = "Tenant tables for the export, import and erasure tests.",
    };
}
