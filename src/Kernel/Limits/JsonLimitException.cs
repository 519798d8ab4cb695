using System.Text.Json;

namespace Kernel.Limits;

/// <summary>A JSON body broke a request limit; <see cref="Reason"/> is safe to return, the serializer adds the path.</summary>
internal sealed class JsonLimitException(string reason) : JsonException(reason)
{
    public string Reason { get; } = reason;
}
