using System.Text.Json;

namespace Kernel.Errors;

/// <summary>
/// A JSON body broke a request limit; <see cref="Reason"/> is safe to return, the serializer adds the path. Thrown by
/// the limits' converters, declared here because <see cref="ErrorMapper"/> turns it into the envelope and Errors sits
/// below Limits.
/// </summary>
internal sealed class JsonLimitException(string reason) : JsonException(reason)
{
    public string Reason { get; } = reason;
}
