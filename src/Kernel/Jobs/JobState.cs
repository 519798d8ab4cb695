namespace Kernel.Jobs;

/// <summary>The states of <c>kernel.jobs.state</c>. <see cref="Failed"/> means "failed an attempt, waiting to retry".</summary>
internal static class JobState
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Dead = "dead";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Queued, Running, Succeeded, Failed, Dead };
}
