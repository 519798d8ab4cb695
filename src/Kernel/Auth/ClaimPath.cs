using System.Security.Claims;
using System.Text.Json;

namespace Kernel.Auth;

/// <summary>
/// A configured claim name: a plain name (<c>tenant_id</c>), a URI (Auth0's namespaced custom claims,
/// <c>https://example.com/roles</c>), or a dotted path into a JSON object claim (Clerk's <c>o.id</c>, Keycloak's
/// <c>realm_access.roles</c>). A claim literally named like the whole path wins over the path.
/// </summary>
internal sealed class ClaimPath
{
    private readonly string[]? _segments;

    public ClaimPath(string name)
    {
        Name = name;
        if (!name.Contains("://", StringComparison.Ordinal) && name.Contains('.', StringComparison.Ordinal))
        {
            _segments = name.Split('.');
        }
    }

    public string Name { get; }

    /// <summary>The claim's string values: one per array element; nested values reached through the path.</summary>
    public List<string> Values(ClaimsPrincipal principal)
    {
        var values = new List<string>();
        foreach (var claim in principal.FindAll(Name))
        {
            values.Add(claim.Value);
        }

        if (values.Count > 0 || _segments is null)
        {
            return values;
        }

        foreach (var claim in principal.FindAll(_segments[0]))
        {
            try
            {
                using var document = JsonDocument.Parse(claim.Value);
                Collect(document.RootElement, 1, values);
            }
            catch (JsonException)
            {
                // Not a JSON object claim: the path leads nowhere in it.
            }
        }

        return values;
    }

    private void Collect(JsonElement element, int segment, List<string> values)
    {
        if (segment == _segments!.Length)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    values.Add(element.GetString()!);
                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String)
                        {
                            values.Add(item.GetString()!);
                        }
                    }

                    break;
            }

            return;
        }

        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(_segments[segment], out var next))
        {
            Collect(next, segment + 1, values);
        }
    }
}
