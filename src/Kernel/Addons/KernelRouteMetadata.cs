namespace Kernel.Addons;

/// <summary>Endpoint metadata that marks an endpoint as mapped through the kernel.</summary>
/// <param name="Name">The route's stable dotted name.</param>
/// <param name="Access">Who may call it.</param>
/// <param name="Addon">The addon that mapped it.</param>
/// <param name="Method">Its HTTP method.</param>
/// <param name="AddonOptional">Whether the addon is optional (<see cref="AddonManifest.Optional"/>): then the route answers only tenants that have it on.</param>
internal sealed record KernelRouteMetadata(string Name, RouteAccess Access, string Addon, string Method, bool AddonOptional = false)
{
    /// <summary>Reads are not audited and commit nothing worth auditing.</summary>
    public bool IsStateChanging => Method is not ("GET" or "HEAD" or "OPTIONS");
}
