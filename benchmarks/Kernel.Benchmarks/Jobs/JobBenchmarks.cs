using BenchmarkDotNet.Attributes;
using Kernel.Audit;
using Kernel.Benchmarks.Bench;
using Kernel.Benchmarks.Hosting;
using Kernel.Data;
using Kernel.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Benchmarks.Jobs;

/// <summary>
/// The queue's per-job cost on a real PostgreSQL, reported per job: claiming a batch of due no-op tenant jobs
/// (<c>JobStore.ClaimAsync</c>, one round trip through the security-definer claim function, without and with the
/// reclaim of expired leases in front), and finishing claimed jobs the way the worker does after a handler returns —
/// the job's scope and restored context, its unit of work, the audit entry, <c>JobStore.AddFinish</c> and the COMMIT
/// in one round trip (<c>UnitOfWork.CommitWithAsync</c>), one job after another. The handler's own invocation is not
/// included. Every iteration starts from an emptied queue holding <see cref="Batch"/> fresh jobs (claimed already, for
/// <see cref="Finish"/>).
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class JobBenchmarks
{
    /// <summary>Jobs per iteration: the worker's default claim size.</summary>
    public const int Batch = 32;

    private const string WorkerId = "bench-worker";

    private static readonly Guid Tenant = Guid.Parse("0198c0de-0000-7000-8000-000000000001");
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private BenchDatabase _database = null!;
    private WebApplication _app = null!;
    private JobStore _store = null!;
    private IReadOnlyList<JobRecord> _claimed = [];

    /// <summary>Starts PostgreSQL and the kernel app (its own worker off), and checks that a claimed batch finishes as succeeded.</summary>
    /// <returns>A task that completes when the check passes.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.StartAsync();
        _app = await BenchApps.StartKernelAsync(_database);
        _store = _app.Services.GetRequiredService<JobStore>();

        await RefillAsync(claim: true);
        await Finish();
        var succeeded = await _database.ScalarAsSuperuserAsync<long>("select count(*) from kernel.jobs where state = 'succeeded'");
        var audited = await _database.ScalarAsSuperuserAsync<long>("select count(*) from kernel.audit_log where action = 'bench.noop'");
        if (succeeded != Batch || audited != Batch)
        {
            throw new InvalidOperationException($"{succeeded} of {Batch} jobs succeeded, with {audited} audit entries.");
        }
    }

    /// <summary>Stops the app and PostgreSQL.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>An empty queue, then <see cref="Batch"/> due jobs.</summary>
    [IterationSetup(Targets = [nameof(Claim), nameof(Claim_WithReclaim)])]
    public void SetupClaim() => RefillAsync(claim: false).GetAwaiter().GetResult();

    /// <summary>An empty queue, then <see cref="Batch"/> jobs this worker has claimed.</summary>
    [IterationSetup(Target = nameof(Finish))]
    public void SetupFinish() => RefillAsync(claim: true).GetAwaiter().GetResult();

    /// <summary>Claims the batch in one call, as the worker's claims usually are (no reclaim of expired leases in front).</summary>
    /// <returns>How many jobs were claimed.</returns>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task<int> Claim()
    {
        var jobs = await _store.ClaimAsync(WorkerId, Batch, Lease, reclaim: false, CancellationToken.None);
        return jobs.Count;
    }

    /// <summary>Claims the batch with the reclaim of expired leases in front, in the same round trip (the worker's first claim and at most one per poll interval).</summary>
    /// <returns>How many jobs were claimed.</returns>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task<int> Claim_WithReclaim()
    {
        var jobs = await _store.ClaimAsync(WorkerId, Batch, Lease, reclaim: true, CancellationToken.None);
        return jobs.Count;
    }

    /// <summary>Finishes every claimed job, one unit of work (and round trip) each.</summary>
    /// <returns>A task that completes when all of them committed.</returns>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Finish()
    {
        foreach (var job in _claimed)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var actor = job.ActorId is null ? null : new KernelActor(job.ActorId, job.ActorRoles.ToHashSet(StringComparer.Ordinal));
            services.GetRequiredService<KernelContextAccessor>().Establish(new KernelContext(job.TenantId, actor, job.CorrelationId, default));
            var unitOfWork = services.GetRequiredService<UnitOfWork>();
            await using var batch = await unitOfWork.CreateBatchAsync(CancellationToken.None);
            services.GetRequiredService<AuditWriter>().AddJobEntry(batch, job.Type, job.Id);
            JobStore.AddFinish(batch, job.Id, WorkerId);
            await unitOfWork.CommitWithAsync(batch, CancellationToken.None);
        }
    }

    private async Task RefillAsync(bool claim)
    {
        await _database.ExecuteAsSuperuserAsync("truncate kernel.jobs, kernel.audit_log");
        var template = new JobEnvelope(
            Guid.Empty,
            NoopJob.Definition.Name,
            Tenant,
            "bench-actor",
            [BenchAddon.MemberRole],
            Traceparent: null,
            "bench-correlation",
            Payload: string.Empty,
            Priority: 0,
            RunAt: null,
            JobDefinition.DefaultMaxAttempts,
            UniqueKey: null,
            ReplaceIfNotStarted: false);
        var ids = new Guid[Batch];
        var payloads = new string[Batch];
        for (var i = 0; i < Batch; i++)
        {
            ids[i] = Guid.CreateVersion7();
            payloads[i] = $$"""{"sequence":{{i}}}""";
        }

        await _store.EnqueueManyAsync(template, ids, payloads, CancellationToken.None);
        _claimed = claim ? await _store.ClaimAsync(WorkerId, Batch, Lease, reclaim: false, CancellationToken.None) : [];
        if (claim && _claimed.Count != Batch)
        {
            throw new InvalidOperationException($"Claimed {_claimed.Count} of {Batch} fresh jobs.");
        }
    }
}
