namespace Kernel;

/// <summary>
/// Provisions tenants from host code — a signup flow, an identity provider's webhook — with the same checks, hooks
/// and notifications as <c>POST /api/platform/tenants</c>. Resolve it from the container.
/// </summary>
public interface ITenantRegistry
{
    /// <summary>
    /// Registers an active tenant and runs every addon's <see cref="IAddon.OnTenantCreatedAsync"/> in the new tenant's
    /// context, all in one transaction.
    /// </summary>
    /// <param name="tenant">The tenant to create.</param>
    /// <param name="actorId">Who creates it (recorded as the actor of the hooks' work).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The new tenant's id.</returns>
    /// <exception cref="KernelException">VALIDATION_FAILED for a bad slug, name or external id; CONFLICT when the slug or an external id is taken.</exception>
    Task<Guid> CreateAsync(NewTenant tenant, string actorId, CancellationToken cancellationToken = default);
}

/// <summary>A tenant to register.</summary>
/// <param name="Slug">Unique, 1 to 63 lower-case letters and digits with single hyphens between them; not a reserved word, not a UUID.</param>
/// <param name="Name">The display name, 1 to 200 characters.</param>
public sealed record NewTenant(string Slug, string Name)
{
    /// <summary>The id to give it. The default value is <see langword="null"/>: a new one.</summary>
    public Guid? Id { get; init; }

    /// <summary>The identity provider's organization ids that name it (unique across tenants). The default value is empty.</summary>
    public IReadOnlyList<string> ExternalIds { get; init; } = [];
}
