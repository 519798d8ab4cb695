using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel.Audit;
using Microsoft.AspNetCore.Http;

namespace Kernel.Tenants.Settings;

/// <summary>
/// <c>GET|PUT /api/settings/{addon}</c>: the current tenant's settings of an addon, for its admins
/// (<see cref="KernelPermissions.ManageSettings"/>). A change names the members the tenant sets (null puts one back to
/// the plan's value or the default); unknown and plan-only members are refused, not dropped.
/// </summary>
internal static class SettingsRoutes
{
    private const int MaxListed = 20;

    public static void Map(KernelRouteGroup settings)
    {
        var manage = RouteAccess.Permission(KernelPermissions.ManageSettings);
        settings.MapGet("/{addon}", "kernel.settings.get", manage, GetAsync)
            .WithSummary("Get the tenant's settings of an addon")
            .Produces<SettingsView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        settings.MapPut("/{addon}", "kernel.settings.update", manage, SetAsync)
            .WithSummary("Change the tenant's settings of an addon")
            .Produces<SettingsView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<SettingsView> GetAsync(
        string addon, SettingsCatalog catalog, AddonCatalog addons, TenantSettingsStore store, TenantLookup tenants, IKernelContextAccessor context, HttpContext http, CancellationToken cancellationToken)
    {
        var shape = await ShapeAsync(addon, catalog, addons, tenants, context, cancellationToken).ConfigureAwait(false);
        return View(http, shape, await store.GetAsync(shape, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<SettingsView> SetAsync(
        string addon,
        JsonElement body,
        SettingsCatalog catalog,
        AddonCatalog addons,
        TenantSettingsStore store,
        TenantLookup tenants,
        IKernelContextAccessor context,
        AuditTarget audit,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var shape = await ShapeAsync(addon, catalog, addons, tenants, context, cancellationToken).ConfigureAwait(false);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KernelException.Validation("body", "A JSON object of settings is required, e.g. {\"maxPerRequest\": 5}.");
        }

        // Read from the element, not bound as a JsonObject: an object naming a member twice is refused here, where a
        // JsonObject would throw on first use.
        var errors = new ValidationErrors();
        var overrides = new JsonObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var refused = 0;
        foreach (var member in body.EnumerateObject())
        {
            var (name, value) = (member.Name, member.Value);
            var problem = !seen.Add(name) ? "Is named more than once."
                : !shape.Members.Contains(name) ? $"Unknown setting. '{shape.Addon}' has: {string.Join(", ", shape.Members.Order(StringComparer.Ordinal))}."
                : shape.PlanOnly.Contains(name) ? "Is set by the tenant's plan; tenants cannot change it." : null;
            if (problem is not null)
            {
                // A body of thousands of unknown members gets a bounded answer.
                if (refused++ < MaxListed)
                {
                    errors.Add(name.Length > 100 ? name[..100] : name, problem);
                }
            }
            else if (value.ValueKind != JsonValueKind.Null)
            {
                overrides[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        errors.ThrowIfAny();
        var before = await store.GetAsync(shape, cancellationToken).ConfigureAwait(false);
        var after = await store.SetAsync(shape, overrides, TenantRoutes.IfMatchVersion(http), cancellationToken).ConfigureAwait(false);
        audit.Set("settings", shape.Addon);
        audit.Details = new JsonObject { ["before"] = before.Effective.DeepClone(), ["after"] = after.Effective.DeepClone() };
        return View(http, shape, after);
    }

    /// <summary>The addon's settings shape: 404 for an addon without settings, 403 ADDON_NOT_ENABLED for an optional addon that is off.</summary>
    private static async ValueTask<SettingsShape> ShapeAsync(
        string addon, SettingsCatalog catalog, AddonCatalog addons, TenantLookup tenants, IKernelContextAccessor context, CancellationToken cancellationToken)
    {
        var shape = catalog.Find(addon) ?? throw KernelException.NotFound("Settings");
        if (addons.Optional.Contains(addon)
            && (await tenants.FindByIdAsync(context.Current.RequiredTenantId, cancellationToken).ConfigureAwait(false))?.HasAddon(addon) != true)
        {
            throw KernelException.AddonNotEnabled(addon);
        }

        return shape;
    }

    private static SettingsView View(HttpContext http, SettingsShape shape, TenantSettingsEntry entry)
    {
        http.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{entry.Version}\"");
        return new SettingsView(shape.Addon, entry.Effective, entry.Overrides, shape.PlanOnly.Order(StringComparer.Ordinal).ToList(), entry.Version);
    }
}

/// <summary>
/// An addon's settings in the tenant: the values in effect, the ones the tenant set itself, the members only its plan
/// sets, and the version its ETag carries.
/// </summary>
internal sealed record SettingsView(string Addon, JsonObject Settings, JsonObject Overrides, IReadOnlyList<string> PlanOnly, int Version);
