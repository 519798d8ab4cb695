using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Kernel.Errors;

namespace Kernel.Limits;

/// <summary>
/// Reads JSON strings no longer than <see cref="KernelRequestLimits.MaxStringLength"/> and without NUL characters
/// (PostgreSQL's text cannot hold them); writes them as the built-in converter does.
/// </summary>
internal sealed class LimitedStringConverter(int maxLength) : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Check(reader.GetString()!, maxLength);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Check(reader.GetString()!, maxLength);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    public static string Check(string value, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw new JsonLimitException($"Must be at most {maxLength} characters.");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new JsonLimitException("Must not contain NUL characters.");
        }

        return value;
    }
}

/// <summary>
/// Reads <see cref="JsonElement"/> members (a PATCH body's "sent or not" fields) with the same limits on every string
/// inside them, and refuses strings that are not valid UTF-8 or UTF-16 there and then: the reader defers that check
/// to <see cref="JsonElement.GetString"/>, which would otherwise throw inside a handler.
/// </summary>
internal sealed class LimitedJsonElementConverter(int maxLength) : JsonConverter<JsonElement>
{
    public override bool HandleNull => true;

    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        Check(element, maxLength, null);
        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    /// <summary>
    /// Checks every string and member name inside <paramref name="element"/>; with <paramref name="names"/>, also that
    /// no object repeats a member name under that comparer.
    /// </summary>
    internal static void Check(JsonElement element, int maxLength, StringComparer? names)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                LimitedStringConverter.Check(Text(element), maxLength);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, maxLength, names);
                }

                break;
            case JsonValueKind.Object:
                var seen = names is null ? null : new HashSet<string>(names);
                foreach (var property in element.EnumerateObject())
                {
                    var name = LimitedStringConverter.Check(Name(property), maxLength);
                    if (seen is not null && !seen.Add(name))
                    {
                        throw new JsonLimitException("Must not repeat a member name.");
                    }

                    Check(property.Value, maxLength, names);
                }

                break;
        }
    }

    private static string Text(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new JsonLimitException("Must be valid UTF-8 text.");
        }
    }

    private static string Name(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw new JsonLimitException("Must be valid UTF-8 text.");
        }
    }
}

/// <summary>
/// Reads <see cref="JsonObject"/> bodies (a settings change: members the handler checks itself) with the limits of
/// <see cref="LimitedJsonElementConverter"/>, and refuses a member name repeated in any object inside, compared as the
/// object will compare them (case-insensitively under the web defaults). The built-in converter would let such a body
/// through to fail later, in the handler, as an unexpected error rather than a 400.
/// </summary>
internal sealed class LimitedJsonObjectConverter(int maxLength) : JsonConverter<JsonObject>
{
    public override JsonObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Must be a JSON object.");
        }

        var element = JsonElement.ParseValue(ref reader);
        LimitedJsonElementConverter.Check(element, maxLength, options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        return JsonObject.Create(element, new JsonNodeOptions { PropertyNameCaseInsensitive = options.PropertyNameCaseInsensitive });
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);
}
