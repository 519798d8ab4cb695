namespace Kernel;

/// <summary>What an enqueue does when its <see cref="JobOptions.UniqueKey"/> already exists.</summary>
public enum JobUniqueMode
{
    /// <summary>Nothing: the existing job stays as it is and its id is returned.</summary>
    Ignore,

    /// <summary>
    /// Replace the existing job's payload, run time, priority and context if it has not started yet (never
    /// claimed); otherwise (running or finished) nothing. The existing job's id is returned either way.
    /// </summary>
    ReplaceIfNotStarted,
}
