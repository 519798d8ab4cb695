using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel.Addons;
using Microsoft.Extensions.Options;

namespace Kernel.Tenants.Settings;

/// <summary>
/// Every addon's settings declaration (<see cref="AddonManifest.Settings"/>) and each plan's values for them
/// (<see cref="KernelPlan.Settings"/>), checked when it is built (at start-up): a plan's value must name a member, fit
/// its type and leave the settings valid.
/// </summary>
internal sealed class SettingsCatalog
{
    private readonly FrozenDictionary<string, SettingsShape> _byAddon;
    private readonly FrozenDictionary<Type, SettingsShape> _byType;
    private readonly FrozenDictionary<(string Plan, string Addon), JsonObject> _planValues;

    public SettingsCatalog(AddonRegistry addons, IOptions<KernelOptions> options)
    {
        var problems = new List<string>();
        var shapes = new List<SettingsShape>();
        foreach (var addon in addons.Ordered.Where(a => a.Manifest.Settings is not null))
        {
            try
            {
                var shape = new SettingsShape(addon.Manifest.Name, addon.Manifest.Settings!.Type);
                shape.Compose(null, null);
                shapes.Add(shape);
            }
            catch (Exception ex) when (ex is KernelException or NotSupportedException or InvalidOperationException or MissingMethodException)
            {
                problems.Add($"Addon '{addon.Manifest.Name}': its settings class {addon.Manifest.Settings!.Type.Name} is not usable with its own defaults: {Describe(ex)}");
            }
        }

        var duplicate = shapes.GroupBy(s => s.Type).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            problems.Add($"Settings class {duplicate.Key.Name} is declared by several addons ({string.Join(", ", duplicate.Select(s => s.Addon))}); each addon needs its own.");
        }

        _byAddon = shapes.ToFrozenDictionary(s => s.Addon, StringComparer.Ordinal);
        _byType = duplicate is null ? shapes.ToFrozenDictionary(s => s.Type) : FrozenDictionary<Type, SettingsShape>.Empty;

        var planValues = new Dictionary<(string, string), JsonObject>();
        foreach (var (plan, definition) in options.Value.Tenancy.Plans)
        {
            foreach (var (addon, values) in definition?.Settings ?? new Dictionary<string, IDictionary<string, string?>>())
            {
                var setting = $"Kernel:Tenancy:Plans:{plan}:Settings:{addon}";
                if (!_byAddon.TryGetValue(addon, out var shape))
                {
                    problems.Add($"{setting}: no addon '{addon}' declares settings.");
                    continue;
                }

                var json = new JsonObject();
                foreach (var (key, text) in values ?? new Dictionary<string, string?>())
                {
                    if (!shape.PropertyOfMember.TryGetValue(key, out var property))
                    {
                        problems.Add($"{setting}:{key}: '{addon}' has no such setting (it has {string.Join(", ", shape.Members.Order(StringComparer.Ordinal))}).");
                        continue;
                    }

                    json[shape.Members.First(m => string.Equals(m, key, StringComparison.OrdinalIgnoreCase))] = FromConfiguration(text, property.PropertyType);
                }

                try
                {
                    shape.Compose(json, null);
                    planValues[(plan, addon)] = json;
                }
                catch (KernelException ex)
                {
                    problems.Add($"{setting}: {Describe(ex)}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException("Kernel:Tenancy:Plans", typeof(KernelOptions), problems);
        }

        _planValues = planValues.ToFrozenDictionary();
    }

    public SettingsShape? Find(string addon) => _byAddon.GetValueOrDefault(addon);

    public SettingsShape? Find(Type type) => _byType.GetValueOrDefault(type);

    /// <summary>The plan's values for the addon's settings, or null.</summary>
    public JsonObject? PlanValues(string? plan, string addon) =>
        plan is not null && _planValues.TryGetValue((plan, addon), out var values) ? values : null;

    /// <summary>A configuration string as the JSON the member's type reads: strings stay strings, the rest is parsed as JSON.</summary>
    private static JsonNode? FromConfiguration(string? text, Type type)
    {
        if (text is null)
        {
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string) || underlying.IsEnum || underlying == typeof(Guid) || underlying == typeof(DateTimeOffset)
            || underlying == typeof(DateTime) || underlying == typeof(TimeSpan) || underlying == typeof(DateOnly) || underlying == typeof(TimeOnly))
        {
            return JsonValue.Create(underlying.IsEnum ? JsonNamingPolicy.CamelCase.ConvertName(text) : text);
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text); // Reported by the validation that follows, as a value of the wrong type.
        }
    }

    private static string Describe(Exception ex) =>
        ex is KernelException { Errors: { } errors }
            ? string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
            : ex.Message;
}
