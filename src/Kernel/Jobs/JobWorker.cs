using System.Collections.Concurrent;
using System.Diagnostics;
using Kernel.Audit;
using Kernel.Data;
using Kernel.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Jobs;

/// <summary>
/// Claims due jobs (woken by <c>NOTIFY</c>, polling as a fallback), runs each in its restored context with bounded
/// concurrency, keeps their leases alive, and on shutdown drains within the host's shutdown timeout, then hands
/// unfinished jobs back without burning an attempt.
/// </summary>
internal sealed partial class JobWorker(
    IServiceScopeFactory scopes,
    JobStore store,
    JobRegistry registry,
    KernelListener listener,
    WorkerIdentity identity,
    IOptions<KernelJobsOptions> options,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);

    /// <summary>On a busy worker, the longest a free slot waits for more slots to free up, or notifications to coalesce, before a claim is made for it anyway.</summary>
    private static readonly TimeSpan BusyLinger = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// With a backlog, the longest fewer than a batch worth of free slots wait before a claim is made for them anyway
    /// (slots held by long-running jobs would otherwise keep the rest idle).
    /// </summary>
    private static readonly TimeSpan BacklogLinger = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two claims while claiming fails (a database outage); from the poll interval up, doubling.</summary>
    private static readonly TimeSpan MaxClaimBackoff = TimeSpan.FromSeconds(30);

    private readonly KernelJobsOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _leasesStop = new();
    private Task _leases = Task.CompletedTask;
    private Lazy<Task>? _stopping;
    private int _notified;

    public string WorkerId => identity.Id;

    /// <summary>
    /// Drains once, however often and concurrently it is called: a host can stop twice at once (WebApplication's own
    /// <c>Run</c> and whoever called <c>StopAsync</c>), then dispose as soon as the first returns; every caller waits
    /// for the one drain, so nothing is disposed under it. The first caller's token bounds it.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        var stopping = new Lazy<Task>(() => StopOnceAsync(cancellationToken));
        return (Interlocked.CompareExchange(ref _stopping, stopping, null) ?? stopping).Value;
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        // Stop claiming first; running jobs keep going (and keep their leases) for the shutdown timeout.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var all = Task.WhenAll(_running.Values.Select(r => r.Completion));
        try
        {
            await all.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogAborting(logger, _running.Count);
            await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                await all.WaitAsync(AbortGrace, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Handlers that ignore cancellation: give their jobs back anyway; a late completion finds its lease gone and rolls back.
                await ReleaseAsync(_running.Keys.ToArray()).ConfigureAwait(false);
            }
        }
        finally
        {
            await _leasesStop.CancelAsync().ConfigureAwait(false);
            await _leases.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        _leasesStop.Dispose();
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkerEnabled)
        {
            return;
        }

        await Task.Yield();
        LogStarted(logger, WorkerId, _options.Concurrency);
        listener.JobsAvailable += OnJobsAvailable;
        _leases = ExtendLeasesAsync(_leasesStop.Token);

        // When to claim. An idle worker claims the moment a notification arrives. A busy one batches: after a claim
        // that filled its limit (more jobs are due) it claims once a batch worth of slots is free (or BacklogLinger
        // has passed), and otherwise it lets notifications coalesce for BusyLinger first. A claim costs the database
        // about as much as several jobs whatever its size, so under load claims stay large, while on a quiet queue
        // nothing waits. With neither a notification nor a backlog, it polls (delayed jobs, lost notifications).
        var batchThreshold = Math.Max(1, Math.Min(_options.BatchSize, _options.Concurrency / 2));
        var backlog = false;
        var lastClaim = 0L;
        var lastReclaim = 0L;
        var claimFailures = 0;
        var claimBackoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = _options.Concurrency - _running.Count;
            var sinceClaim = lastClaim == 0 ? TimeSpan.MaxValue : time.GetElapsedTime(lastClaim);
            var notified = Volatile.Read(ref _notified) == 1;

            // After failed claims, wait out the backoff, unless a notification says the database is back (the
            // listener reconnecting raises one).
            var due = free > 0 && (notified || sinceClaim >= claimBackoff) && (_running.IsEmpty
                ? backlog || notified || sinceClaim >= _options.PollInterval
                : backlog ? free >= batchThreshold || sinceClaim >= BacklogLinger
                : (notified && sinceClaim >= BusyLinger) || sinceClaim >= _options.PollInterval);
            if (due)
            {
                var limit = Math.Min(free, _options.BatchSize);
                var reclaim = lastReclaim == 0 || time.GetElapsedTime(lastReclaim) >= _options.PollInterval;
                Volatile.Write(ref _notified, 0);
                lastClaim = time.GetTimestamp();
                try
                {
                    // Not cancellable: a claim that committed but whose rows were dropped would strand its jobs until their leases expire.
                    var jobs = await store.ClaimAsync(WorkerId, limit, _options.LeaseDuration, reclaim, CancellationToken.None).ConfigureAwait(false);
                    if (JobTelemetry.ClaimSize.Enabled)
                    {
                        JobTelemetry.ClaimSize.Record(jobs.Count);
                    }

                    if (reclaim)
                    {
                        lastReclaim = lastClaim;
                    }

                    if (claimFailures > 0)
                    {
                        LogClaimRecovered(logger, claimFailures);
                        (claimFailures, claimBackoff) = (0, TimeSpan.Zero);
                    }

                    foreach (var job in jobs)
                    {
                        Start(job);
                    }

                    backlog = jobs.Count == limit;
                    if (backlog && _options.Concurrency - _running.Count >= batchThreshold)
                    {
                        continue;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Never let the loop die: a BackgroundService that throws stops the whole host. Back off
                    // exponentially, so an outage costs a warning every half minute at most, not one per poll.
                    claimFailures++;
                    claimBackoff = OutageBackoff.Delay(claimFailures, _options.PollInterval, MaxClaimBackoff);
                    LogClaimFailed(logger, ex, claimFailures, claimBackoff);
                    backlog = false;
                }
            }

            try
            {
                // Woken by notifications and by every finished job; the timeout is when the rules above next change.
                var wait = claimFailures > 0
                    ? TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (claimBackoff - time.GetElapsedTime(lastClaim)).Ticks))
                    : _running.IsEmpty && !backlog ? _options.PollInterval : BusyLinger;
                await _wake.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        listener.JobsAvailable -= OnJobsAvailable;
    }

    private void OnJobsAvailable()
    {
        Volatile.Write(ref _notified, 1);
        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount > 0)
        {
            return; // Already signalled: every finished job calls this, and a throw per call is expensive.
        }

        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // Shut down.
        }
    }

    private void Start(JobRecord job)
    {
        JobTelemetry.Lag.Record(
            Math.Max(0, (time.GetUtcNow() - job.RunAt).TotalSeconds),
            new KeyValuePair<string, object?>("kernel.job.type", job.Type));
        var running = new RunningJob(job, CancellationTokenSource.CreateLinkedTokenSource(_abort.Token));
        _running[job.Id] = running;
        running.Completion = Task.Run(async () =>
        {
            try
            {
                await RunAsync(running).ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
                running.Cancellation.Dispose();
                Wake();
            }
        });
    }

    private async Task RunAsync(RunningJob running)
    {
        var job = running.Job;
        ActivityContext.TryParse(job.Traceparent, null, out var parent);
        using var activity = KernelTelemetry.ActivitySource.HasListeners()
            ? KernelTelemetry.ActivitySource.StartActivity("job " + job.Type, ActivityKind.Consumer, parent)
            : null;
        activity?.SetTag("messaging.system", "kernel");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", job.Type);
        activity?.SetTag("messaging.message.id", job.Id.ToString());
        activity?.SetTag("kernel.job.type", job.Type);
        activity?.SetTag("kernel.job.id", job.Id);
        activity?.SetTag("kernel.job.attempt", job.Attempts);
        activity?.SetTag("kernel.tenant_id", job.TenantId?.ToString());
        activity?.SetTag("enduser.id", job.ActorId);
        activity?.SetTag("kernel.correlation_id", job.CorrelationId);
        var started = time.GetTimestamp();
        string outcome;
        using (logger.BeginScope(new KernelLogScope("Job", job.Type, job.Id, job.TenantId, job.ActorId, job.CorrelationId, (activity?.Context ?? parent).TraceId)))
        {
            outcome = await RunInScopeAsync(running, activity, parent).ConfigureAwait(false);
        }

        if (outcome != JobState.Succeeded && activity is not null)
        {
            activity.SetTag("error.type", outcome);
            activity.SetStatus(ActivityStatusCode.Error, outcome);
        }

        var type = new KeyValuePair<string, object?>("kernel.job.type", job.Type);
        var result = new KeyValuePair<string, object?>("kernel.job.outcome", outcome);
        JobTelemetry.Outcomes.Add(1, type, result);
        JobTelemetry.Duration.Record(time.GetElapsedTime(started).TotalSeconds, type, result);
    }

    private async Task<string> RunInScopeAsync(RunningJob running, Activity? activity, ActivityContext parent)
    {
        var job = running.Job;
        var definition = registry.Find(job.Type);
        if (definition is null)
        {
            return await FailAsync(job, $"Unknown job type '{job.Type}': no addon in this app declares it.", dead: true).ConfigureAwait(false);
        }

        if (definition.Scope == JobScope.Tenant && job.TenantId is null)
        {
            return await FailAsync(job, $"Job type '{job.Type}' is a tenant job but the envelope has no tenant.", dead: true).ConfigureAwait(false);
        }

        var token = running.Cancellation.Token;
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var actor = job.ActorId is null ? null : new KernelActor(job.ActorId, job.ActorRoles.ToHashSet(StringComparer.Ordinal));
                var tenant = definition.Scope == JobScope.Tenant ? job.TenantId : null;
                scope.ServiceProvider.GetRequiredService<KernelContextAccessor>()
                    .Establish(new KernelContext(tenant, actor, job.CorrelationId, activity?.Context ?? parent));

                await JobInvocation.InvokeAsync(
                    definition,
                    scope.ServiceProvider,
                    job.Payload,
                    new JobContext(job.Id, job.Type, job.Attempts, job.MaxAttempts),
                    token).ConfigureAwait(false);

                // The audit entry, the completion and the COMMIT go in one round trip: effects, entry and success
                // commit together, or none does.
                var unitOfWork = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
                await using var batch = await unitOfWork.CreateFinalBatchAsync(token).ConfigureAwait(false);
                scope.ServiceProvider.GetRequiredService<AuditWriter>().AddJobEntry(batch, job.Type, job.Id);
                JobStore.AddFinish(batch, job.Id, WorkerId);
                try
                {
                    await unitOfWork.CommitWithAsync(batch, token).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == JobStore.LeaseLost)
                {
                    running.LoseLease();
                    LogLeaseLost(logger, job.Type, job.Id);
                    return "lease_lost"; // Nothing committed; the lease holder runs the job.
                }
            }

            LogSucceeded(logger, job.Type, job.Id, job.Attempts);
            return JobState.Succeeded;
        }
        catch (OperationCanceledException) when (running.LeaseLost)
        {
            LogLeaseLost(logger, job.Type, job.Id);
            return "lease_lost";
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            await ReleaseAsync([job.Id]).ConfigureAwait(false);
            return "released";
        }
        catch (JobPayloadException ex)
        {
            return await FailAsync(job, ex.Message, dead: true).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAttemptFailed(logger, ex, job.Type, job.Id, job.Attempts, job.MaxAttempts);
            return await FailAsync(job, $"{ex.GetType().Name}: {ex.Message}", dead: false).ConfigureAwait(false);
        }
    }

    private async Task<string> FailAsync(JobRecord job, string error, bool dead)
    {
        var delay = Backoff(job.Attempts, _options.RetryBaseDelay, _options.RetryMaxDelay, Random.Shared.NextDouble());
        try
        {
            var state = await store.FailAsync(job.Id, WorkerId, error, delay, dead, CancellationToken.None).ConfigureAwait(false);
            if (state == JobState.Dead)
            {
                LogDead(logger, job.Type, job.Id, job.Attempts, error);
            }

            return state ?? "lease_lost";
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The lease expires and another worker reclaims the job; nothing is lost.
            LogRecordFailed(logger, ex, job.Id);
            return JobState.Failed;
        }
    }

    private async Task ReleaseAsync(IReadOnlyCollection<Guid> ids)
    {
        try
        {
            var released = await store.ReleaseAsync(WorkerId, ids, CancellationToken.None).ConfigureAwait(false);
            LogReleased(logger, released);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LogRecordFailed(logger, ex, Guid.Empty);
        }
    }

    /// <summary>Attempt n (1-based) waits min(max, base·2^(n−1)), jittered uniformly into its upper half ("equal jitter").</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponential = baseDelay.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(maxDelay.TotalSeconds, exponential);
        return TimeSpan.FromSeconds((capped / 2) + (random * capped / 2));
    }

    private async Task ExtendLeasesAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.LeaseDuration / 3, time);
        var failures = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var ids = _running.Keys.ToArray();
                if (ids.Length == 0)
                {
                    continue;
                }

                try
                {
                    var held = await store.ExtendLeasesAsync(WorkerId, ids, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                    if (failures > 0)
                    {
                        LogLeasesRecovered(logger, failures);
                        failures = 0;
                    }

                    foreach (var id in ids.Where(id => !held.Contains(id)))
                    {
                        if (_running.TryGetValue(id, out var running))
                        {
                            running.LoseLease();
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One warning per outage, not one per tick: the claim loop's warnings already say the database is gone.
                    if (failures++ == 0)
                    {
                        LogLeasesFailed(logger, ex, ids.Length);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Job worker {WorkerId} started with concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, string workerId, int concurrency);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Job {Type} {JobId} succeeded on attempt {Attempt}")]
    private static partial void LogSucceeded(ILogger logger, string type, Guid jobId, int attempt);

    // Error: an exception escaped the handler, whether or not a retry follows; error trackers report these.
    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Job {Type} {JobId} failed attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string type, Guid jobId, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Job {Type} {JobId} is dead after {Attempts} attempt(s): {Error}")]
    private static partial void LogDead(ILogger logger, string type, Guid jobId, int attempts, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Job {Type} {JobId} lost its lease; its effects were rolled back and the lease holder runs it")]
    private static partial void LogLeaseLost(ILogger logger, string type, Guid jobId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Claiming jobs failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Claiming jobs works again after {Failures} failed attempt(s)")]
    private static partial void LogClaimRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Extending the leases of {Count} running job(s) failed; retrying every tick, and a job whose lease expires meanwhile is rolled back and reclaimed")]
    private static partial void LogLeasesFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Extending job leases works again after {Failures} failed attempt(s)")]
    private static partial void LogLeasesRecovered(ILogger logger, int failures);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Recording the outcome of job {JobId} failed; its lease will expire and another worker reclaims it")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Shutdown timeout reached with {Count} job(s) running; cancelling them")]
    private static partial void LogAborting(ILogger logger, int count);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Gave {Count} unfinished job(s) back to the queue without using an attempt")]
    private static partial void LogReleased(ILogger logger, int count);

    private sealed class RunningJob(JobRecord job, CancellationTokenSource cancellation)
    {
        private volatile bool _leaseLost;

        public JobRecord Job { get; } = job;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Completion { get; set; } = Task.CompletedTask;

        public bool LeaseLost => _leaseLost;

        public void LoseLease()
        {
            _leaseLost = true;
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }
    }
}
