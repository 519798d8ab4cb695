namespace Kernel;

/// <summary>
/// Names what a state-changing route acted on, for its audit entry. Optional: without it the kernel uses the
/// route value <c>id</c> (or the last segment of a 201's <c>Location</c>) as the target id and the first segment
/// of the route name as the target type. Resolve it from the handler's parameters.
/// </summary>
public interface IAuditTarget
{
    /// <summary>Sets the target of the current route's audit entry.</summary>
    /// <param name="type">What kind of thing, e.g. <c>request</c>.</param>
    /// <param name="id">Its id.</param>
    void Set(string type, string id);
}
