namespace Kernel.Routing;

/// <summary>Endpoint metadata for endpoints deliberately left outside the kernel (health probes, identity provider).</summary>
internal sealed class OutsideKernelMetadata
{
    public static OutsideKernelMetadata Instance { get; } = new();
}
