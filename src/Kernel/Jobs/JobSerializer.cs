using System.Text.Json;

namespace Kernel.Jobs;

/// <summary>The one JSON shape of payloads: web defaults (camelCase), so payloads read like API bodies.</summary>
internal static class JobSerializer
{
    public const int MaxPayloadBytes = 256 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
