namespace Kernel;

/// <summary>Tenant registry and resolution settings (<c>Kernel:Tenancy</c>).</summary>
public sealed class KernelTenancyOptions
{
    /// <summary>
    /// Whether a request's tenant must be in the registry (<c>kernel.tenants</c>). The default value is
    /// <see cref="TenantRegistryMode.Required"/>.
    /// </summary>
    public TenantRegistryMode Registry { get; set; } = TenantRegistryMode.Required;

    /// <summary>
    /// The role, in the token's roles claim, that makes an actor a platform operator (routes declared with
    /// <see cref="RouteAccess.PlatformOperator"/>). Tenant role grants never confer it. The default value is
    /// <c>platform-operator</c>.
    /// </summary>
    public string OperatorRole { get; set; } = "platform-operator";

    /// <summary>The most tenants (and unknown identifiers) each instance keeps in memory. The default value is 10,000.</summary>
    public int CacheSize { get; set; } = 10_000;

    /// <summary>
    /// The host strategy: with a suffix such as <c>.example.com</c>, a request to <c>acme.example.com</c> names the
    /// tenant whose slug is <c>acme</c>, accepted only for an actor the token ties to that tenant (its tenant claim or
    /// its memberships claim). The default value is <see langword="null"/> (off).
    /// </summary>
    public string? HostSuffix { get; set; }

    /// <summary>
    /// The header strategy: a header (for example <c>X-Tenant</c>) naming the tenant by id, external id or slug,
    /// accepted only when the token's <see cref="MembershipsClaim"/> lists it. The default value is <see langword="null"/> (off).
    /// </summary>
    public string? HeaderName { get; set; }

    /// <summary>
    /// The claim listing the tenants an actor belongs to (ids, external ids or slugs), for the host and header
    /// strategies. Like the other claim names it may be a URI or a dotted path into a JSON claim. The default value is <c>tenants</c>.
    /// </summary>
    public string MembershipsClaim { get; set; } = "tenants";

    /// <summary>Slugs no tenant may take, besides the built-in ones (<c>api</c>, <c>admin</c>, <c>www</c>, …).</summary>
    public IList<string> ReservedSlugs { get; set; } = [];

    /// <summary>
    /// The largest tenant export archive <c>POST /api/platform/tenants/{id}/import</c> accepts, in bytes; a larger body is
    /// <c>413 PAYLOAD_TOO_LARGE</c>. This route's own limit, in place of <c>Kernel:Limits:MaxRequestBodyBytes</c> (and of
    /// the server's, which the route raises to it once the caller is a platform operator). The upload is spooled to a
    /// temporary file, so the limit is disk, not memory. At least 1024. The default value is 1073741824 (1 GiB).
    /// </summary>
    public long MaxImportBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// How many rows of one table each erasure statement deletes, each batch in a short transaction of its own (with its
    /// progress in <c>kernel.tenant_erasures</c>), so erasing a large tenant holds no long lock and a crash loses at most
    /// one batch's work. From 1 to 100,000. The default value is 5,000.
    /// </summary>
    public int ErasureBatchSize { get; set; } = 5000;

    /// <summary>
    /// The plans tenants can be on, by name (lower case, like slugs): which optional addons each switches on, the
    /// defaults of addons' settings, and rate-limit budgets. Validated at start-up. The default is none.
    /// </summary>
    public IDictionary<string, KernelPlan> Plans { get; set; } = new Dictionary<string, KernelPlan>(StringComparer.Ordinal);

    /// <summary>The plan new tenants are registered on (one of <see cref="Plans"/>). The default value is <see langword="null"/> (no plan).</summary>
    public string? DefaultPlan { get; set; }
}

/// <summary>
/// A plan (<c>Kernel:Tenancy:Plans:{name}</c>): a named set of optional addons, settings defaults and rate-limit budgets.
/// A tenant's own settings override the plan's except where the addon marks a setting <see cref="PlanOnlyAttribute"/>;
/// an operator may switch an addon on or off for one tenant whatever its plan says.
/// </summary>
public sealed class KernelPlan
{
    /// <summary>The optional addons the plan switches on (by manifest name). Their optional dependencies must be listed too.</summary>
    public IList<string> Addons { get; set; } = [];

    /// <summary>
    /// Settings defaults by addon name, then by setting (property name, case-insensitive), as configuration strings
    /// (<c>"7"</c>, <c>"true"</c>, <c>"text"</c>); they override the settings class's own defaults.
    /// </summary>
    public IDictionary<string, IDictionary<string, string?>> Settings { get; set; } =
        new Dictionary<string, IDictionary<string, string?>>(StringComparer.Ordinal);

    /// <summary>
    /// Rate-limit policies for tenants on the plan, in place of <c>Kernel:RateLimiting</c>'s: <c>Default</c> for the
    /// default policy, else a named policy's name. Policies the plan does not name keep the configured budget.
    /// </summary>
    public IDictionary<string, KernelRateLimitPolicy> RateLimits { get; set; } =
        new Dictionary<string, KernelRateLimitPolicy>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Whether requests' tenants must be registered (<see cref="KernelTenancyOptions.Registry"/>).</summary>
public enum TenantRegistryMode
{
    /// <summary>Every tenant must be in the registry and active; others are refused before any handler runs.</summary>
    Required,

    /// <summary>
    /// For apps migrating in: a tenant UUID the registry does not know is accepted as before; registered tenants are
    /// still refused while suspended, and external ids still resolve through the registry.
    /// </summary>
    Open,
}
