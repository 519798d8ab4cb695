using Kernel;
using LinqToDB;
using LinqToDB.Async;

namespace Addons.Requests;

/// <summary>Reads and writes requests through the kernel's unit of work; RLS confines every statement to the tenant.</summary>
internal sealed class RequestStore(IUnitOfWork unitOfWork, IKernelContextAccessor context, TimeProvider time)
{
    public async Task<RequestRow> CreateAsync(string title, string body, string priority, string? assignee, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var now = Now();
        var row = new RequestRow
        {
            TenantId = context.Current.RequiredTenantId,
            Id = Guid.CreateVersion7(now),
            Title = title,
            Body = body,
            Status = RequestStatus.Open,
            Priority = priority,
            RequestedBy = context.Current.RequiredActor.Id,
            Assignee = assignee,
            DueAt = dueAt,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        await db.InsertAsync(row, token: cancellationToken).ConfigureAwait(false);
        return row;
    }

    public async Task<RequestRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        return await AsyncExtensions.FirstOrDefaultAsync(db.GetTable<RequestRow>().Where(r => r.Id == id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RequestRow>> ListAsync(string? status, string? assignee, RequestCursor? after, int take, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var query = db.GetTable<RequestRow>().AsQueryable();
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }

        if (assignee is not null)
        {
            query = query.Where(r => r.Assignee == assignee);
        }

        if (after is { } cursor)
        {
            // Row-value comparison in SQL keeps PostgreSQL's uuid order on both sides of the page boundary.
            query = query.Where(r => Sql.Row(r.CreatedAt, r.Id) < Sql.Row(cursor.CreatedAt, cursor.Id));
        }

        return await AsyncExtensions.ToListAsync(
            query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(take),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="row"/>'s mutable fields if its version is still <paramref name="expectedVersion"/>; false when another change won.</summary>
    public async Task<bool> UpdateAsync(RequestRow row, int expectedVersion, CancellationToken cancellationToken)
    {
        row.Version = expectedVersion + 1;
        row.UpdatedAt = Now();
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var updated = await db.GetTable<RequestRow>()
            .Where(r => r.Id == row.Id && r.Version == expectedVersion)
            .Set(r => r.Title, row.Title)
            .Set(r => r.Body, row.Body)
            .Set(r => r.Priority, row.Priority)
            .Set(r => r.Assignee, row.Assignee)
            .Set(r => r.DueAt, row.DueAt)
            .Set(r => r.Status, row.Status)
            .Set(r => r.UpdatedAt, row.UpdatedAt)
            .Set(r => r.Version, row.Version)
            .UpdateAsync(cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    // PostgreSQL keeps microseconds; truncating here makes what we return equal to what a later read returns.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }
}
