namespace Kernel;

/// <summary>What an addon is and what it brings, after Odoo's module manifest.</summary>
public sealed record AddonManifest
{
    /// <summary>The unique addon name, lower case (e.g. <c>requests</c>). Used in migrations' journal and dependencies.</summary>
    public required string Name { get; init; }

    /// <summary>The addon's version (informational).</summary>
    public required string Version { get; init; }

    /// <summary>One line on what the addon does.</summary>
    public required string Summary { get; init; }

    /// <summary>The names of the addons this one needs; they are registered and migrated first. The default is none.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>The permissions this addon defines. The default is none.</summary>
    public IReadOnlyList<PermissionDefinition> Permissions { get; init; } = [];

    /// <summary>Default role grants: role name to permission names. Tenants may override them. The default is none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RoleGrants { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Whether tenants have this addon only when it is switched on for them (by their plan or by a platform operator).
    /// The default value is <see langword="false"/>: the addon is on for every tenant. A route of an optional addon that
    /// is off for the caller's tenant answers <c>403 ADDON_NOT_ENABLED</c>, and its jobs wait until it is on again.
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>
    /// The addon's per-tenant settings (<see cref="AddonSettings.Of{TSettings}"/>), which tenant admins read and change
    /// under <c>/api/settings/{addon}</c> and handlers read through <see cref="ITenantSettings{TSettings}"/>. The default is none.
    /// </summary>
    public AddonSettings? Settings { get; init; }

    /// <summary>The job types this addon declares (see <see cref="JobDefinition"/>), including recurring ones. The default is none.</summary>
    public IReadOnlyList<JobDefinition> Jobs { get; init; } = [];
}
