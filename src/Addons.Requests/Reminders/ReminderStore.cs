using Kernel;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Addons.Requests;

/// <summary>Reads and writes reminders through the kernel's unit of work; RLS confines every statement to the tenant.</summary>
internal sealed class ReminderStore(IUnitOfWork unitOfWork, TimeProvider time)
{
    /// <summary>Records reminder <paramref name="id"/> (the job id) once; false when it already exists (a redelivered job).</summary>
    public async Task<bool> AddAsync(Guid id, Guid requestId, string remindedBy, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await db.ExecuteAsync(
            """
            insert into requests.reminders (tenant_id, id, request_id, reminded_by, created_at)
            values (kernel.current_tenant_id(), @id, @requestId, @remindedBy, @createdAt)
            on conflict (tenant_id, id) do nothing
            """,
            cancellationToken,
            new DataParameter("id", id),
            new DataParameter("requestId", requestId),
            new DataParameter("remindedBy", remindedBy),
            new DataParameter("createdAt", Now())).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<IReadOnlyList<ReminderRow>> ListAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        return await AsyncExtensions.ToListAsync(
            db.GetTable<ReminderRow>().Where(r => r.RequestId == requestId).OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// In one statement: the reminders recorded on <paramref name="requestId"/>, and those the tenant's members asked for
    /// since the start of the current UTC day (not the sweep's, which are recorded as <see cref="ReminderJob.SystemActor"/>).
    /// </summary>
    public async Task<(int OnRequest, int AskedToday)> CountAsync(Guid requestId, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var counts = await db.QueryToListAsync<ReminderCounts>(
            """
            select count(*) filter (where request_id = @requestId)::int as OnRequest,
                   count(*) filter (where created_at >= @since and reminded_by <> @system)::int as AskedToday
              from requests.reminders
             where request_id = @requestId or created_at >= @since
            """,
            cancellationToken,
            new DataParameter("requestId", requestId),
            new DataParameter("since", new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero)),
            new DataParameter("system", ReminderJob.SystemActor)).ConfigureAwait(false);
        return (counts[0].OnRequest, counts[0].AskedToday);
    }

    /// <summary>
    /// Every tenant's overdue, unfinished requests, in the tenants that have this addon on (system work only: with a
    /// tenant in context, none).
    /// </summary>
    public async Task<IReadOnlyList<(Guid TenantId, Guid RequestId)>> OverdueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.QueryToListAsync<OverdueRow>(
            "select tenant_id as TenantId, id as Id from requests.overdue_requests(@now, @limit)",
            cancellationToken,
            new DataParameter("now", now),
            new DataParameter("limit", limit)).ConfigureAwait(false);
        return rows.Select(r => (r.TenantId, r.Id)).ToList();
    }

    // PostgreSQL keeps microseconds; truncating here makes what we return equal to what a later read returns.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }

    private sealed class ReminderCounts
    {
        public int OnRequest { get; set; }

        public int AskedToday { get; set; }
    }
}
