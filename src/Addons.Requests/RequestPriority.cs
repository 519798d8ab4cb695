namespace Addons.Requests;

/// <summary>Request priorities.</summary>
internal static class RequestPriority
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Low, Normal, High };
}
