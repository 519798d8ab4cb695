using System.Text.RegularExpressions;

namespace Kernel.Tenants;

/// <summary>The slug syntax: what a host label (<c>acme.example.com</c>) and a path segment can both carry.</summary>
internal static partial class TenantSlug
{
    [GeneratedRegex("^[a-z0-9](-?[a-z0-9])*$", RegexOptions.CultureInvariant)]
    public static partial Regex Pattern();
}
