using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Kernel.Auth;

/// <summary>
/// <c>GET /api/roles</c> and <c>PUT|DELETE /api/roles/{role}/permissions</c>: read and override the current
/// tenant's role grants. Guarded by <see cref="KernelPermissions.ManageRoles"/>.
/// </summary>
internal static partial class RoleRoutes
{
    private const int MaxPermissions = 500;

    public static void Map(KernelRouteGroup roles)
    {
        var manage = RouteAccess.Permission(KernelPermissions.ManageRoles);
        roles.MapGet("", "kernel.roles.list", manage, ListAsync)
            .WithSummary("List the roles' effective permissions in the tenant");
        roles.MapPut("/{role}/permissions", "kernel.roles.update", manage, SetAsync)
            .WithSummary("Replace a role's permissions in the tenant");
        roles.MapDelete("/{role}/permissions", "kernel.roles.reset", manage, ResetAsync)
            .WithSummary("Restore a role's default permissions");
    }

    private static async Task<RolesResponse> ListAsync(PermissionCatalog catalog, RoleGrantStore store, CancellationToken cancellationToken)
    {
        var overrides = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var roles = catalog.DefaultRoles.Concat(overrides.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(role => View(catalog, role, overrides.GetValueOrDefault(role)))
            .ToList();
        var permissions = catalog.Definitions.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new PermissionView(p.Name, p.Description))
            .ToList();
        return new RolesResponse(roles, permissions);
    }

    private static async Task<RoleView> SetAsync(
        string role,
        SetRolePermissionsBody? body,
        PermissionCatalog catalog,
        RoleGrantStore store,
        IAuditTarget audit,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        CheckRole(errors, role);
        var permissions = body?.Permissions ?? [];
        if (body?.Permissions is null)
        {
            errors.Add("permissions", "Is required: an array of permission names (empty to grant nothing).");
        }
        else if (permissions.Count > MaxPermissions)
        {
            errors.Add("permissions", $"Must list at most {MaxPermissions} permissions.");
        }

        // Unknown names are refused, not stored: a typo must not silently grant nothing.
        var unknown = permissions.Where(p => p is null || !catalog.Definitions.ContainsKey(p)).Select(p => p ?? "null").Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("permissions", $"Unknown permission(s): {string.Join(", ", unknown)}. GET /roles lists the declared ones.");
        }

        errors.ThrowIfAny();
        var set = permissions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        audit.Set("role", role);
        await store.SetAsync(role, set, cancellationToken).ConfigureAwait(false);
        return new RoleView(role, set, Customized: true);
    }

    private static async Task<RoleView> ResetAsync(string role, PermissionCatalog catalog, RoleGrantStore store, IAuditTarget audit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        CheckRole(errors, role);
        errors.ThrowIfAny();
        audit.Set("role", role);
        await store.ResetAsync(role, cancellationToken).ConfigureAwait(false);
        return View(catalog, role, null);
    }

    private static RoleView View(PermissionCatalog catalog, string role, IReadOnlySet<string>? custom) =>
        new(role, (custom ?? catalog.DefaultsOf(role)).Order(StringComparer.Ordinal).ToList(), custom is not null);

    private static void CheckRole(ValidationErrors errors, string role)
    {
        if (!RoleName().IsMatch(role))
        {
            errors.Add("role", "Must be 1 to 63 characters: a lower-case letter, then lower-case letters, digits, '_', '.' or '-'.");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoleName();
}

/// <summary>The body of <c>PUT /api/roles/{role}/permissions</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SetRolePermissionsBody(IReadOnlyList<string>? Permissions);

/// <summary>A role's effective grants in the tenant; <c>Customized</c> when the tenant overrides the defaults.</summary>
internal sealed record RoleView(string Role, IReadOnlyList<string> Permissions, bool Customized);

/// <summary>A declared permission.</summary>
internal sealed record PermissionView(string Name, string Description);

/// <summary>The body of <c>GET /api/roles</c>.</summary>
internal sealed record RolesResponse(IReadOnlyList<RoleView> Roles, IReadOnlyList<PermissionView> Permissions);
