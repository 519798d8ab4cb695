namespace Kernel.LoadHarness;

/// <summary>What one run measures and how long. <see cref="Smoke"/> shrinks everything to a seconds-long check that the harness works (CI).</summary>
internal sealed record HarnessSettings
{
    public bool Smoke { get; init; }

    /// <summary>Alternating rounds per comparison; each variant is measured once per round, in rotated order.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>
    /// Rounds of the job suite, each queue measured once per round, alternating. One by default: Hangfire drains
    /// 20,000 queued jobs in minutes, so each round takes about ten.
    /// </summary>
    public int JobRounds { get; init; } = 1;

    /// <summary>wrk's measured duration per variant per round.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unmeasured warm-up per variant before its first round.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>wrk connections (one wrk thread).</summary>
    public int Connections { get; init; } = 16;

    /// <summary>Rows seeded for the tenant-scoped read, spread over <see cref="Tenants"/>.</summary>
    public int Rows { get; init; } = 100_000;

    public int Tenants { get; init; } = 100;

    /// <summary>Jobs per throughput measurement.</summary>
    public int Jobs { get; init; } = 20_000;

    /// <summary>Jobs enqueued one at a time on an idle queue for the enqueue-to-start latency.</summary>
    public int LatencySamples { get; init; } = 300;

    /// <summary>Builds per variant for the analyzer build cost.</summary>
    public int BuildRounds { get; init; } = 3;

    /// <summary>Which queues the job suite measures: any of <c>kernel</c>, <c>hangfire</c>, <c>graphile</c> (Graphile Worker, a Node.js child process).</summary>
    public IReadOnlySet<string> Queues { get; init; } = new HashSet<string>(["kernel", "hangfire", "graphile"], StringComparer.Ordinal);

    /// <summary>Which suites run: any of <c>http</c>, <c>jobs</c>, <c>build</c>.</summary>
    public IReadOnlySet<string> Suites { get; init; } = new HashSet<string>(["http", "jobs", "build"], StringComparer.Ordinal);

    /// <summary>The PostgreSQL cluster keeps fsync and synchronous_commit on (a production-like server).</summary>
    public bool Durable { get; init; } = true;

    /// <summary>Loads pg_stat_statements into the cluster and reports the top statements of each suite.</summary>
    public bool PgStats { get; init; }

    public static HarnessSettings SmokeRun { get; } = new()
    {
        Smoke = true,
        Rounds = 1,
        JobRounds = 1,
        Duration = TimeSpan.FromSeconds(1),
        Warmup = TimeSpan.FromSeconds(1),
        Connections = 4,
        Rows = 2_000,
        Tenants = 10,
        Jobs = 500,
        LatencySamples = 20,
        BuildRounds = 1,
    };
}
