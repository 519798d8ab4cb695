namespace Addons.Requests;

/// <summary>The request workflow: open → in_progress → resolved, or cancelled from either; resolved and cancelled are final.</summary>
internal static class RequestStatus
{
    public const string Open = "open";
    public const string InProgress = "in_progress";
    public const string Resolved = "resolved";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Open, InProgress, Resolved, Cancelled };

    public static bool CanMove(string from, string to) => (from, to) switch
    {
        (Open, InProgress) or (Open, Cancelled) => true,
        (InProgress, Resolved) or (InProgress, Cancelled) => true,
        _ => false,
    };
}
