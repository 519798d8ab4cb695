namespace Kernel;

/// <summary>Kernel settings, bound from the <c>Kernel</c> configuration section and validated at start-up.</summary>
public sealed class KernelOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Kernel";

    /// <summary>The path prefix of every kernel route. The default value is <c>/api</c>.</summary>
    public string ApiPrefix { get; set; } = "/api";

    /// <summary>Database settings.</summary>
    public KernelDatabaseOptions Database { get; set; } = new();

    /// <summary>Identity settings.</summary>
    public KernelAuthOptions Auth { get; set; } = new();

    /// <summary>The tenant registry and how a request's tenant is found.</summary>
    public KernelTenancyOptions Tenancy { get; set; } = new();

    /// <summary>Rate limits of kernel routes (off by default).</summary>
    public KernelRateLimitingOptions RateLimiting { get; set; } = new();

    /// <summary>Limits on request bodies, JSON and query strings of kernel routes.</summary>
    public KernelRequestLimits Limits { get; set; } = new();
}

/// <summary>Database settings (<c>Kernel:Database</c>).</summary>
public sealed class KernelDatabaseOptions
{
    /// <summary>
    /// The runtime role's connection string. The default value is <c>ConnectionStrings:Kernel</c>. The role must
    /// not be a superuser, must not have BYPASSRLS and must not own the tenant tables; the kernel checks.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The owner role's connection string, used only to run migrations. The default value is
    /// <c>ConnectionStrings:KernelOwner</c>.
    /// </summary>
    public string? OwnerConnectionString { get; set; }

    /// <summary>Whether start-up applies pending migrations (needs <see cref="OwnerConnectionString"/>). The default value is <see langword="true"/>.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// The connection string of the instance's one <c>LISTEN</c> connection (job wake-ups, role-grant changes). Behind
    /// a transaction-mode pooler such as PgBouncer, where <c>LISTEN</c> does not work, point it at PostgreSQL directly
    /// (or at a session-mode pool). The default value is <see langword="null"/>: <see cref="ConnectionString"/>.
    /// </summary>
    public string? NotificationConnectionString { get; set; }

    /// <summary>
    /// The longest the runtime role waits on the database for one thing: a connection (opening one, or a free one from
    /// the pool) or one statement. It becomes the data source's <c>Timeout</c> and <c>Command Timeout</c> (whatever the
    /// connection string says), so during an outage, or behind a pooler whose queue holds requests while PostgreSQL is
    /// down, a route answers <c>503 UNAVAILABLE</c> after at most about this long (plus Npgsql's cancellation timeout,
    /// 2 seconds by default) instead of hanging. Between 1 second and 10 minutes, in whole seconds. The default value is 15 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Identity settings (<c>Kernel:Auth</c>).</summary>
public sealed class KernelAuthOptions
{
    /// <summary>
    /// Accept the <c>X-Dev-Actor</c>, <c>X-Dev-Tenant</c> and <c>X-Dev-Roles</c> headers as identity.
    /// Allowed only in the Development environment; the kernel refuses to start otherwise. The default value is <see langword="false"/>.
    /// </summary>
    public bool EnableDevHeaders { get; set; }

    /// <summary>
    /// The OIDC issuer base URL; its discovery document is read from <c>{Authority}/.well-known/openid-configuration</c>
    /// unless <see cref="MetadataAddress"/> is set. Setting this, <see cref="MetadataAddress"/> or <see cref="JwksUri"/>
    /// turns JWT bearer validation on. The default value is <see langword="null"/> (no JWT validation).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The OIDC discovery document URL, when it is not under <see cref="Authority"/>. The default value is <see langword="null"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// A JSON Web Key Set URL to take signing keys from directly, for issuers without OIDC discovery. Mutually
    /// exclusive with <see cref="Authority"/> and <see cref="MetadataAddress"/>. The default value is <see langword="null"/>.
    /// </summary>
    public string? JwksUri { get; set; }

    /// <summary>The exact <c>iss</c> every token must carry. Required when JWT validation is on.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> every token must include (this API). Required when JWT validation is on.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim holding the actor id. The default value is <c>sub</c>.</summary>
    public string ActorClaim { get; set; } = "sub";

    /// <summary>
    /// The claim naming the tenant: its UUID or one of its external ids (the identity provider's organization id). A
    /// URI or a dotted path into a JSON claim (<c>o.id</c>) works too. The default value is <c>tenant_id</c>.
    /// </summary>
    public string TenantClaim { get; set; } = "tenant_id";

    /// <summary>
    /// The claim holding the actor's roles in the tenant (a string or an array); a URI or a dotted path into a JSON
    /// claim (<c>realm_access.roles</c>) works too. The default value is <c>roles</c>.
    /// </summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>
    /// The signing algorithms accepted; anything else (including <c>none</c> and the HMAC family) is rejected. Only
    /// asymmetric algorithms may be listed. The default value is <c>RS256, ES256</c>.
    /// </summary>
    public IList<string> Algorithms { get; set; } = ["RS256", "ES256"];

    /// <summary>The tolerance for <c>exp</c> and <c>nbf</c>, at most 30 seconds. The default value is 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest token accepted, in bytes; larger ones are rejected before parsing. The default value is 16384 (16 KiB).</summary>
    public int MaxTokenBytes { get; set; } = 16 * 1024;

    /// <summary>Whether the metadata and JWKS URLs must use HTTPS. Only Development may turn it off. The default value is <see langword="true"/>.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The least time between two key refreshes triggered by a token whose <c>kid</c> is unknown (signing-key
    /// rotation); it also bounds how often hostile tokens can make the kernel fetch the JWKS. The default value is 5 minutes.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the metadata and keys are refreshed regardless. The default value is 12 hours.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Whether JWT bearer validation is configured (<see cref="Authority"/>, <see cref="MetadataAddress"/> or <see cref="JwksUri"/>).</summary>
    public bool JwtEnabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress) || !string.IsNullOrWhiteSpace(JwksUri);
}
