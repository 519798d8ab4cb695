using Kernel;
using LinqToDB;
using LinqToDB.Data;

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

    // The hot reads (get by id, a page of the list) are SQL text through the kernel's typed SQL path: linq2db maps
    // the rows to RequestRow by its [Column] names without translating a LINQ expression per request. The text is
    // fixed per filter combination, so linq2db's row mapper (cached by text) and PostgreSQL's plans are reused.
    private const string Columns =
        "select tenant_id, id, title, body, status, priority, requested_by, assignee, due_at, created_at, updated_at, version from requests.requests";

    private const string FindSql = Columns + " where id = @id limit 1";

    /// <summary>The list's statement for each filter combination: index bit 0 = status, 1 = assignee, 2 = cursor.</summary>
    private static readonly string[] ListSql = [.. Enumerable.Range(0, 8).Select(ListStatement)];

    public Task<RequestRow?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        unitOfWork.QueryFirstOrDefaultAsync<RequestRow>(FindSql, cancellationToken, new DataParameter("id", id, DataType.Guid));

    public async Task<IReadOnlyList<RequestRow>> ListAsync(string? status, string? assignee, RequestCursor? after, int take, CancellationToken cancellationToken)
    {
        var parameters = new List<DataParameter>(5);
        var shape = 0;
        if (status is not null)
        {
            shape |= 1;
            parameters.Add(new DataParameter("status", status, DataType.Text));
        }

        if (assignee is not null)
        {
            shape |= 2;
            parameters.Add(new DataParameter("assignee", assignee, DataType.Text));
        }

        if (after is { } cursor)
        {
            shape |= 4;
            parameters.Add(new DataParameter("after_created_at", cursor.CreatedAt, DataType.DateTimeOffset));
            parameters.Add(new DataParameter("after_id", cursor.Id, DataType.Guid));
        }

        parameters.Add(new DataParameter("take", take, DataType.Int32));
        return await unitOfWork.QueryAsync<RequestRow>(ListSql[shape], cancellationToken, [.. parameters]).ConfigureAwait(false);
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

    private static string ListStatement(int shape)
    {
        var conditions = new List<string>(3);
        if ((shape & 1) != 0)
        {
            conditions.Add("status = @status");
        }

        if ((shape & 2) != 0)
        {
            conditions.Add("assignee = @assignee");
        }

        if ((shape & 4) != 0)
        {
            // Row-value comparison keeps PostgreSQL's uuid order on both sides of the page boundary.
            conditions.Add("(created_at, id) < (@after_created_at, @after_id)");
        }

        var where = conditions.Count == 0 ? "" : " where " + string.Join(" and ", conditions);
        return Columns + where + " order by created_at desc, id desc limit @take";
    }

    // PostgreSQL keeps microseconds; truncating here makes what we return equal to what a later read returns.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.UtcTicks % 10));
    }
}
