namespace Kernel.Addons;

/// <summary>Endpoint metadata that marks an endpoint as mapped through the kernel.</summary>
internal sealed record KernelRouteMetadata(string Name, RouteAccess Access, string Addon, string Method)
{
    /// <summary>Reads are not audited and commit nothing worth auditing.</summary>
    public bool IsStateChanging => Method is not ("GET" or "HEAD" or "OPTIONS");
}
