using System.ComponentModel.DataAnnotations;

namespace Kernel;

/// <summary>Job worker and scheduler settings, bound from <c>Kernel:Jobs</c> and validated at start-up.</summary>
public sealed class KernelJobsOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Kernel:Jobs";

    /// <summary>
    /// Whether this instance runs the job worker (claims and runs jobs). Turn it off on web-only instances when
    /// dedicated <c>worker</c> instances run the jobs. The default value is <see langword="true"/>.
    /// </summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>
    /// Whether this instance runs the recurring-job scheduler (enqueues one job per cron slot; safe on every
    /// instance). The default value is <see langword="true"/>.
    /// </summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>
    /// Jobs this instance runs at once. A running job holds a pooled connection only while it talks to the database,
    /// and most of a job's time is spent waiting on it, so this is several per core. The default value is 8 per
    /// processor, at least 8 and at most 64 (16 on a 2-core machine).
    /// </summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = Math.Clamp(Environment.ProcessorCount * 8, 8, 64);

    /// <summary>Most jobs claimed in one query. The default value is 32.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>How often the worker polls when no notification arrives (the fallback for a lost LISTEN connection and for delayed jobs). The default value is 2 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:02")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claim holds a job before another worker may reclaim it; extended every third of it while the job runs. The default value is 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry's base delay; attempt n waits min(<see cref="RetryMaxDelay"/>, base·2^(n−1)), jittered to between half and all of it. The default value is 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest retry delay. The default value is 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How old the newest worker heartbeat (written by <c>system.ping</c> every minute) may be before readiness reports degraded. The default value is 3 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan HeartbeatStaleAfter { get; set; } = TimeSpan.FromMinutes(3);
}
