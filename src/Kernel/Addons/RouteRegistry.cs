namespace Kernel.Addons;

/// <summary>Every kernel route declared at start-up, for validation (names unique, permissions declared).</summary>
internal sealed class RouteRegistry
{
    private readonly List<KernelRouteMetadata> _routes = [];

    public IReadOnlyList<KernelRouteMetadata> Routes => _routes;

    public void Add(KernelRouteMetadata route)
    {
        if (_routes.Exists(r => r.Name == route.Name))
        {
            throw new InvalidOperationException($"Route name '{route.Name}' is declared twice; route names must be unique.");
        }

        _routes.Add(route);
    }
}
