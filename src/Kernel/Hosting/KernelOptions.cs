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
}

/// <summary>Identity settings (<c>Kernel:Auth</c>).</summary>
public sealed class KernelAuthOptions
{
    /// <summary>
    /// Accept the <c>X-Dev-Actor</c>, <c>X-Dev-Tenant</c> and <c>X-Dev-Roles</c> headers as identity.
    /// Allowed only in the Development environment; the kernel refuses to start otherwise. The default value is <see langword="false"/>.
    /// </summary>
    public bool EnableDevHeaders { get; set; }
}
