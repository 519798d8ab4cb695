namespace Kernel;

/// <summary>
/// The auth decision every kernel route declares: <see cref="Public"/>, <see cref="Authenticated"/> or
/// <see cref="Permission(string)"/>. It is a required argument of every route method, so a route without an
/// auth decision does not compile.
/// </summary>
public sealed class RouteAccess
{
    private RouteAccess(RouteAccessKind kind, string? permission)
    {
        Kind = kind;
        PermissionName = permission;
    }

    /// <summary>Anyone may call the route; no tenant is required. An identity, when present, is still resolved.</summary>
    public static RouteAccess Public { get; } = new(RouteAccessKind.Public, null);

    /// <summary>Any authenticated actor of a tenant may call the route.</summary>
    public static RouteAccess Authenticated { get; } = new(RouteAccessKind.Authenticated, null);

    /// <summary>
    /// A platform operator may call the route: an authenticated actor whose token carries the operator role
    /// (<c>Kernel:Tenancy:OperatorRole</c>), never granted by a tenant's roles. The route runs with no tenant in its
    /// context, whatever tenant the token names.
    /// </summary>
    public static RouteAccess PlatformOperator { get; } = new(RouteAccessKind.PlatformOperator, null);

    /// <summary>The kind of decision.</summary>
    public RouteAccessKind Kind { get; }

    /// <summary>The required permission for <see cref="RouteAccessKind.Permission"/>, else <see langword="null"/>.</summary>
    public string? PermissionName { get; }

    /// <summary>An authenticated actor of a tenant whose roles grant <paramref name="name"/> may call the route.</summary>
    /// <param name="name">A permission declared by an addon manifest, e.g. <c>requests.read</c>.</param>
    /// <returns>The access decision.</returns>
    public static RouteAccess Permission(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(RouteAccessKind.Permission, name);
    }

    /// <inheritdoc />
    public override string ToString() => Kind == RouteAccessKind.Permission ? $"Permission({PermissionName})" : Kind.ToString();
}

/// <summary>The kinds of <see cref="RouteAccess"/>.</summary>
public enum RouteAccessKind
{
    /// <summary>No identity required.</summary>
    Public,

    /// <summary>An authenticated actor with a tenant.</summary>
    Authenticated,

    /// <summary>An authenticated actor with a tenant and a permission.</summary>
    Permission,

    /// <summary>An authenticated platform operator, outside any tenant.</summary>
    PlatformOperator,
}
