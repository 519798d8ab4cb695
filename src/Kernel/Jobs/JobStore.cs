using Kernel.Data;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Jobs;

/// <summary>
/// All of the queue's SQL. Writes go through the SECURITY DEFINER functions of the kernel's jobs migration; reads
/// of a tenant's jobs go through the caller's unit of work, where row-level security confines them.
/// </summary>
internal sealed class JobStore(KernelDataSource dataSource)
{
    /// <summary>The SQLSTATE <c>kernel.finish_job</c> raises when the worker no longer holds the job's lease.</summary>
    public const string LeaseLost = "KR001";

    private const string Columns =
        "id, type, tenant_id, actor_id, actor_roles, traceparent, correlation_id, payload::text, run_at, attempts, max_attempts";

    private const string StatusColumns =
        "id, type, state, attempts, max_attempts, priority, run_at, last_error, actor_id, correlation_id, created_at, updated_at, finished_at";

    /// <summary>Writes <paramref name="job"/> with <paramref name="batch"/> (a unit of work's, or an own connection's) and returns its id, or the existing job's for a taken unique key.</summary>
    public static async Task<Guid> EnqueueAsync(NpgsqlBatch batch, JobEnvelope job, CancellationToken cancellationToken)
    {
        var command = batch.Add("select kernel.enqueue_job($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)");
        command.Parameters.Add(new NpgsqlParameter { Value = job.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Type });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)job.TenantId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.ActorId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = job.ActorRoles });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.Traceparent ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = job.CorrelationId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = job.Payload });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Priority });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)job.RunAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = job.MaxAttempts });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)job.UniqueKey ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = job.ReplaceIfNotStarted });
        return (Guid)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Outside a unit of work: one statement, committed on its own (its NOTIFY with it).</summary>
    public async Task<Guid> EnqueueAsync(JobEnvelope job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = connection.CreateBatch();
        return await EnqueueAsync(batch, job, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes many jobs that share <paramref name="template"/>'s envelope in one statement (one NOTIFY).</summary>
    public static async Task EnqueueManyAsync(NpgsqlBatch batch, JobEnvelope template, Guid[] ids, string[] payloads, CancellationToken cancellationToken)
    {
        var command = batch.Add("select kernel.enqueue_jobs($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        command.Parameters.Add(new NpgsqlParameter { Value = template.Type });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)template.TenantId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)template.ActorId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = template.ActorRoles });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)template.Traceparent ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = template.CorrelationId });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = payloads });
        command.Parameters.Add(new NpgsqlParameter { Value = template.Priority });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)template.RunAt ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = template.MaxAttempts });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task EnqueueManyAsync(JobEnvelope template, Guid[] ids, string[] payloads, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = connection.CreateBatch();
        await EnqueueManyAsync(batch, template, ids, payloads, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due jobs for <paramref name="workerId"/>; with <paramref name="reclaim"/>,
    /// first (in the same round trip) hands expired leases of crashed or stalled workers back to the queue.
    /// </summary>
    public async Task<IReadOnlyList<JobRecord>> ClaimAsync(string workerId, int limit, TimeSpan lease, bool reclaim, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = connection.CreateBatch();
        if (reclaim)
        {
            // A function returning a count: a result set of its own, skipped below.
            batch.Add("select kernel.reclaim_expired_jobs()");
        }

        var claim = batch.Add($"select {Columns} from kernel.claim_jobs($1, $2, $3)");
        claim.Parameters.Add(new NpgsqlParameter { Value = workerId });
        claim.Parameters.Add(new NpgsqlParameter { Value = limit });
        claim.Parameters.Add(new NpgsqlParameter { Value = lease });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (reclaim)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        var jobs = new List<JobRecord>(limit);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(new JobRecord(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<string[]>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetInt32(9),
                reader.GetInt32(10)));
        }

        return jobs;
    }

    /// <summary>
    /// Adds the job's completion to <paramref name="batch"/>, the one that commits the job's unit of work, so success
    /// commits with the handler's effects. Raises <see cref="LeaseLost"/> when this worker no longer holds the lease,
    /// which skips the COMMIT behind it.
    /// </summary>
    public static void AddFinish(NpgsqlBatch batch, Guid id, string workerId)
    {
        var command = batch.Add("select kernel.finish_job($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
    }

    /// <summary>Records a failed attempt; returns the new state (<c>failed</c> or <c>dead</c>), or null when the lease was lost.</summary>
    public async Task<string?> FailAsync(Guid id, string workerId, string error, TimeSpan retryIn, bool dead, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select kernel.fail_job($1, $2, $3, $4, $5)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        command.Parameters.Add(new NpgsqlParameter { Value = retryIn });
        command.Parameters.Add(new NpgsqlParameter { Value = dead });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<int> ReleaseAsync(string workerId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select kernel.release_jobs($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Extends the leases this worker still holds and returns their ids.</summary>
    public async Task<HashSet<Guid>> ExtendLeasesAsync(string workerId, IReadOnlyCollection<Guid> ids, TimeSpan lease, CancellationToken cancellationToken)
    {
        var held = new HashSet<Guid>();
        if (ids.Count == 0)
        {
            return held;
        }

        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select kernel.extend_leases($1, $2, $3)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(reader.GetGuid(0));
        }

        return held;
    }

    /// <summary>Reads one job of the current tenant (RLS hides other tenants' and system jobs).</summary>
    public static async Task<JobStatus?> FindAsync(UnitOfWork unit, Guid id, CancellationToken cancellationToken)
    {
        await using var batch = await unit.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        batch.Add($"select {StatusColumns} from kernel.jobs where id = $1").Parameters.Add(new NpgsqlParameter { Value = id });
        var rows = await ReadStatusesAsync(batch, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Lists the current tenant's jobs in <paramref name="state"/>, most recently changed first.</summary>
    public static async Task<IReadOnlyList<JobStatus>> ListAsync(UnitOfWork unit, string state, int limit, CancellationToken cancellationToken)
    {
        await using var batch = await unit.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        var command = batch.Add($"select {StatusColumns} from kernel.jobs where tenant_id = kernel.current_tenant_id() and state = $1 order by updated_at desc, id limit $2");
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadStatusesAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> RetryAsync(UnitOfWork unit, Guid id, CancellationToken cancellationToken)
    {
        await using var batch = await unit.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        batch.Add("select kernel.retry_job($1)").Parameters.Add(new NpgsqlParameter { Value = id });
        return (bool)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task BeatAsync(UnitOfWork unit, string workerId, CancellationToken cancellationToken)
    {
        await using var batch = await unit.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        batch.Add("select kernel.beat($1)").Parameters.Add(new NpgsqlParameter { Value = workerId });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long ago the newest heartbeat was written (by the database's clock), or null when there is none.</summary>
    public async Task<TimeSpan?> HeartbeatAgeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select clock_timestamp() - max(beat_at) from kernel.worker_heartbeats", connection);
        var age = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return age is TimeSpan span ? span : null;
    }

    private static async Task<IReadOnlyList<JobStatus>> ReadStatusesAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var rows = new List<JobStatus>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new JobStatus(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10),
                reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return rows;
    }
}
