using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Kernel.Data;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Kernel.Audit;

/// <summary><c>GET /api/audit</c>: the tenant's audit log, newest first, filtered, keyset-paginated. Needs <see cref="KernelPermissions.ReadAudit"/>.</summary>
internal static class AuditRoutes
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;

    public static void Map(KernelRouteGroup audit) =>
        audit.MapGet("", "kernel.audit.list", RouteAccess.Permission(KernelPermissions.ReadAudit), ListAsync)
            .WithSummary("List the tenant's audit log");

    private static async Task<AuditPage> ListAsync(
        UnitOfWork unitOfWork,
        [FromQuery] string? actor,
        [FromQuery] string? action,
        [FromQuery] string? targetType,
        [FromQuery] string? targetId,
        [FromQuery] string? from,
        [FromQuery] string? to,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var take = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxPageSize))
        {
            errors.Add("limit", $"Must be a whole number from 1 to {MaxPageSize}.");
        }

        var fromTime = ParseTime(errors, "from", from);
        var toTime = ParseTime(errors, "to", to);
        long? after = null;
        if (cursor is not null)
        {
            if (TryDecode(cursor, out var decoded))
            {
                after = decoded;
            }
            else
            {
                errors.Add("cursor", "Is not a cursor this API returned.");
            }
        }

        errors.ThrowIfAny();

        // RLS confines the query to the current tenant.
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        var query = db.GetTable<AuditEntryRow>().AsQueryable();
        if (actor is not null)
        {
            query = query.Where(e => e.ActorId == actor);
        }

        if (action is not null)
        {
            query = query.Where(e => e.Action == action);
        }

        if (targetType is not null)
        {
            query = query.Where(e => e.TargetType == targetType);
        }

        if (targetId is not null)
        {
            query = query.Where(e => e.TargetId == targetId);
        }

        if (fromTime is { } start)
        {
            query = query.Where(e => e.OccurredAt >= start);
        }

        if (toTime is { } end)
        {
            query = query.Where(e => e.OccurredAt < end);
        }

        if (after is { } last)
        {
            query = query.Where(e => e.Id < last);
        }

        // One extra row tells whether a next page exists without a count query.
        var rows = await AsyncExtensions.ToListAsync(query.OrderByDescending(e => e.Id).Take(take + 1), cancellationToken).ConfigureAwait(false);
        var page = rows.Take(take).Select(AuditEntry.From).ToList();
        var next = rows.Count > take ? Encode(rows[take - 1].Id) : null;
        return new AuditPage(page, next);
    }

    private static DateTimeOffset? ParseTime(ValidationErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) && value.Contains('T', StringComparison.Ordinal))
        {
            return parsed;
        }

        errors.Add(field, "Must be an ISO 8601 date-time with an offset, e.g. 2025-01-31T12:00:00Z.");
        return null;
    }

    private static string Encode(long id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"a:{id}")));

    private static bool TryDecode(string value, out long id)
    {
        id = 0;
        if (value.Length > 40)
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            return text.StartsWith("a:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out id);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>An audit entry as the API returns it.</summary>
internal sealed record AuditEntry(
    long Id,
    DateTimeOffset OccurredAt,
    string ActorId,
    string Action,
    string? TargetType,
    string? TargetId,
    string Outcome,
    int Status,
    string CorrelationId,
    string? TraceId)
{
    public static AuditEntry From(AuditEntryRow row) => new(
        row.Id, row.OccurredAt, row.ActorId, row.Action, row.TargetType, row.TargetId, row.Outcome, row.Status, row.CorrelationId, row.TraceId);
}

/// <summary>A page of audit entries; <c>NextCursor</c> is <see langword="null"/> on the last page.</summary>
internal sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextCursor);
