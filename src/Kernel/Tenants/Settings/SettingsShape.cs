using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Kernel.Tenants.Settings;

/// <summary>
/// One addon's settings class as the kernel handles it: its members by JSON name, which of them only a plan sets, its
/// defaults as JSON, and how a value is composed from defaults, a plan's values and a tenant's own, then validated.
/// </summary>
internal sealed class SettingsShape
{
    /// <summary>Strict: unknown members refused, numbers as numbers, enums by name; shallow (settings are flat records).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 8,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private readonly FrozenDictionary<string, string> _jsonNameOfProperty;

    public SettingsShape(string addon, Type type)
    {
        Addon = addon;
        Type = type;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p is { CanRead: true, CanWrite: true }).ToList();
        _jsonNameOfProperty = properties.ToFrozenDictionary(p => p.Name, JsonName, StringComparer.Ordinal);
        Members = properties.Select(JsonName).ToFrozenSet(StringComparer.Ordinal);
        PlanOnly = properties.Where(p => p.GetCustomAttribute<PlanOnlyAttribute>() is not null).Select(JsonName).ToFrozenSet(StringComparer.Ordinal);
        PropertyOfMember = properties.ToFrozenDictionary(JsonName, p => p, StringComparer.OrdinalIgnoreCase);
        Defaults = JsonSerializer.SerializeToNode(Activator.CreateInstance(type), type, Json)!.AsObject();
    }

    public string Addon { get; }

    public Type Type { get; }

    /// <summary>The settings' JSON member names (camel case unless a property names its own).</summary>
    public FrozenSet<string> Members { get; }

    /// <summary>Members only a plan sets (<see cref="PlanOnlyAttribute"/>).</summary>
    public FrozenSet<string> PlanOnly { get; }

    /// <summary>Properties by JSON member name, case-insensitive (for configuration keys).</summary>
    public FrozenDictionary<string, PropertyInfo> PropertyOfMember { get; }

    /// <summary>The class's own defaults.</summary>
    public JsonObject Defaults { get; }

    /// <summary>
    /// The settings from the defaults, overridden member by member by <paramref name="plan"/>'s values and then by
    /// <paramref name="tenant"/>'s: the value and its JSON; a <see cref="KernelException"/> (400) naming each member
    /// that does not deserialise or validate.
    /// </summary>
    public (object Value, JsonObject Json) Compose(JsonObject? plan, JsonObject? tenant)
    {
        var merged = (JsonObject)Defaults.DeepClone();
        var tooDeep = new ValidationErrors();
        foreach (var layer in new[] { plan, tenant })
        {
            foreach (var (name, value) in layer ?? [])
            {
                // Deserialising writes the merged object out under Json.MaxDepth, which throws an
                // InvalidOperationException (not a JsonException) past it: refuse such a member here, by name.
                if (Deeper(value, Json.MaxDepth - 1))
                {
                    tooDeep.Add(name, $"Is nested too deeply (at most {Json.MaxDepth - 1} levels).");
                }

                merged[name] = value?.DeepClone();
            }
        }

        tooDeep.ThrowIfAny();

        object settings;
        try
        {
            settings = merged.Deserialize(Type, Json) ?? throw KernelException.Validation("settings", "Must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var member = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : "settings";
            throw KernelException.Validation(member, "Is not a valid value for this setting (wrong JSON type or format).");
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true))
        {
            var errors = new ValidationErrors();
            foreach (var result in results)
            {
                foreach (var member in result.MemberNames.DefaultIfEmpty("settings"))
                {
                    errors.Add(_jsonNameOfProperty.GetValueOrDefault(member, member), result.ErrorMessage ?? "Is not valid.");
                }
            }

            errors.ThrowIfAny();
        }

        return (settings, merged);
    }

    /// <summary>Whether <paramref name="node"/> nests more than <paramref name="levels"/> arrays or objects; stops looking once it does.</summary>
    private static bool Deeper(JsonNode? node, int levels) => node switch
    {
        JsonObject o => levels == 0 || o.Any(m => Deeper(m.Value, levels - 1)),
        JsonArray a => levels == 0 || a.Any(item => Deeper(item, levels - 1)),
        _ => false,
    };

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? Json.PropertyNamingPolicy!.ConvertName(property.Name);
}
