using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kernel.Limits;

/// <summary>
/// Reads JSON strings no longer than <see cref="KernelRequestLimits.MaxStringLength"/> and without NUL characters
/// (PostgreSQL's text cannot hold them); writes them as the built-in converter does.
/// </summary>
internal sealed class LimitedStringConverter(int maxLength) : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Check(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Check(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private string Check(string value)
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
