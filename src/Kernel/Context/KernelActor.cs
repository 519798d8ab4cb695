namespace Kernel;

/// <summary>The authenticated principal a route or job acts as.</summary>
/// <param name="Id">The stable actor id (the token's subject).</param>
/// <param name="Roles">The roles the actor holds in the current tenant.</param>
public sealed record KernelActor(string Id, IReadOnlySet<string> Roles)
{
    /// <summary>Whether the actor holds <paramref name="role"/>.</summary>
    /// <param name="role">The role name, compared ordinally.</param>
    /// <returns><see langword="true"/> when the actor holds the role.</returns>
    public bool IsInRole(string role) => Roles.Contains(role);
}
