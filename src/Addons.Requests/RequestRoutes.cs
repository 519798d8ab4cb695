using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Kernel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Addons.Requests;

/// <summary>The Requests routes under <c>/api/requests</c> (the reminder routes are <see cref="ReminderRoutes"/>).</summary>
internal static class RequestRoutes
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    internal const int MaxTitle = 200;
    internal const int MaxBody = 10_000;
    internal const int MaxAssignee = 200;

    public static void Map(KernelRouteGroup requests)
    {
        // Handlers that return IResult (for Created/Accepted and the ETag) declare their response types here, so the
        // OpenAPI document has their schemas; the kernel adds its own error responses to every route.
        requests.MapPost("", "requests.create", RouteAccess.Permission(RequestPermissions.Create), CreateAsync)
            .WithSummary("Open a service request")
            .Produces<RequestResponse>(StatusCodes.Status201Created);
        requests.MapGet("", "requests.list", RouteAccess.Permission(RequestPermissions.Read), ListAsync)
            .WithSummary("List service requests");
        requests.MapGet("/{id:guid}", "requests.get", RouteAccess.Permission(RequestPermissions.Read), GetAsync)
            .WithSummary("Get a service request")
            .Produces<RequestResponse>();
        requests.MapPatch("/{id:guid}", "requests.update", RouteAccess.Permission(RequestPermissions.Update), UpdateAsync)
            .WithSummary("Edit a service request")
            .Produces<RequestResponse>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        requests.MapPost("/{id:guid}/transition", "requests.transition", RouteAccess.Permission(RequestPermissions.Transition), TransitionAsync)
            .WithSummary("Move a service request to another status")
            .Produces<RequestResponse>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<IResult> CreateAsync(CreateRequestBody? body, RequestStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            throw KernelException.Validation("body", "A JSON object is required.");
        }

        var errors = new ValidationErrors();
        var title = ValidTitle(errors, body.Title);
        var text = ValidBody(errors, body.Body ?? "");
        var priority = ValidPriority(errors, body.Priority ?? RequestPriority.Normal);
        var assignee = ValidAssignee(errors, body.Assignee);
        errors.ThrowIfAny();

        var row = await store.CreateAsync(title, text, priority, assignee, body.DueAt, cancellationToken).ConfigureAwait(false);
        SetETag(http, row);
        return Results.Created($"{http.Request.PathBase}{http.Request.Path.Value!.TrimEnd('/')}/{row.Id}", RequestResponse.From(row));
    }

    private static async Task<RequestPage> ListAsync(
        RequestStore store,
        [FromQuery, AllowedValues(RequestStatus.Open, RequestStatus.InProgress, RequestStatus.Resolved, RequestStatus.Cancelled)] string? status,
        [FromQuery] string? assignee,
        [FromQuery] string? limit,
        [FromQuery] string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (status is not null && !RequestStatus.All.Contains(status))
        {
            errors.Add("status", $"Must be one of: {string.Join(", ", RequestStatus.All)}.");
        }

        var take = DefaultPageSize;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxPageSize))
        {
            errors.Add("limit", $"Must be a whole number from 1 to {MaxPageSize}.");
        }

        RequestCursor? after = null;
        if (cursor is not null)
        {
            if (RequestCursor.TryDecode(cursor, out var decoded))
            {
                after = decoded;
            }
            else
            {
                errors.Add("cursor", "Is not a cursor this API returned.");
            }
        }

        errors.ThrowIfAny();

        // One extra row tells whether a next page exists without a count query.
        var rows = await store.ListAsync(status, assignee, after, take + 1, cancellationToken).ConfigureAwait(false);
        var page = rows.Take(take).Select(RequestResponse.From).ToList();
        var next = rows.Count > take ? new RequestCursor(page[^1].CreatedAt, page[^1].Id).Encode() : null;
        return new RequestPage(page, next);
    }

    private static async Task<IResult> GetAsync(Guid id, RequestStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var row = await store.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Request");
        SetETag(http, row);
        return Results.Ok(RequestResponse.From(row));
    }

    private static async Task<IResult> UpdateAsync(Guid id, UpdateRequestBody? body, RequestStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            throw KernelException.Validation("body", "A JSON object is required.");
        }

        var row = await store.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Request");
        CheckIfMatch(http, row);

        var errors = new ValidationErrors();
        if (Sent(body.Title))
        {
            row.Title = ValidTitle(errors, StringOrNull(errors, "title", body.Title));
        }

        if (Sent(body.Body))
        {
            row.Body = ValidBody(errors, StringOrNull(errors, "body", body.Body) ?? "");
        }

        if (Sent(body.Priority))
        {
            row.Priority = ValidPriority(errors, StringOrNull(errors, "priority", body.Priority) ?? "");
        }

        if (Sent(body.Assignee))
        {
            row.Assignee = ValidAssignee(errors, StringOrNull(errors, "assignee", body.Assignee));
        }

        if (Sent(body.DueAt))
        {
            row.DueAt = DateOrNull(errors, "dueAt", body.DueAt);
        }

        errors.ThrowIfAny();
        return await SaveAsync(store, http, row, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> TransitionAsync(Guid id, TransitionBody? body, RequestStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (body?.To is not { } to || !RequestStatus.All.Contains(to))
        {
            throw KernelException.Validation("to", $"Must be one of: {string.Join(", ", RequestStatus.All)}.");
        }

        var row = await store.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Request");
        CheckIfMatch(http, row);
        if (!RequestStatus.CanMove(row.Status, to))
        {
            throw KernelException.Conflict($"A request cannot move from '{row.Status}' to '{to}'.");
        }

        row.Status = to;
        return await SaveAsync(store, http, row, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> SaveAsync(RequestStore store, HttpContext http, RequestRow row, CancellationToken cancellationToken)
    {
        if (!await store.UpdateAsync(row, row.Version, cancellationToken).ConfigureAwait(false))
        {
            throw KernelException.PreconditionFailed("The request was changed by someone else; read it again and retry.");
        }

        SetETag(http, row);
        return Results.Ok(RequestResponse.From(row));
    }

    private static void SetETag(HttpContext http, RequestRow row) =>
        http.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{row.Version}\"");

    /// <summary>Strong comparison (RFC 9110 §13.1.1): <c>*</c> or one of the listed tags must equal the current one.</summary>
    private static void CheckIfMatch(HttpContext http, RequestRow row)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return;
        }

        var current = string.Create(CultureInfo.InvariantCulture, $"\"{row.Version}\"");
        var tags = header.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        if (!tags.Any(tag => tag == "*" || tag == current))
        {
            throw KernelException.PreconditionFailed($"If-Match does not match the current ETag {current}.");
        }
    }

    private static bool Sent(JsonElement value) => value.ValueKind != JsonValueKind.Undefined;

    private static string? StringOrNull(ValidationErrors errors, string field, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            default:
                errors.Add(field, "Must be a string or null.");
                return null;
        }
    }

    private static DateTimeOffset? DateOrNull(ValidationErrors errors, string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var date))
        {
            return date;
        }

        errors.Add(field, "Must be an ISO 8601 date-time with an offset, or null.");
        return null;
    }

    private static string ValidTitle(ValidationErrors errors, string? title)
    {
        var trimmed = title?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxTitle)
        {
            errors.Add("title", $"Is required: 1 to {MaxTitle} characters.");
        }

        return trimmed;
    }

    private static string ValidBody(ValidationErrors errors, string body)
    {
        if (body.Length > MaxBody)
        {
            errors.Add("body", $"Must be at most {MaxBody} characters.");
        }

        return body;
    }

    private static string ValidPriority(ValidationErrors errors, string priority)
    {
        if (!RequestPriority.All.Contains(priority))
        {
            errors.Add("priority", $"Must be one of: {string.Join(", ", RequestPriority.All)}.");
        }

        return priority;
    }

    private static string? ValidAssignee(ValidationErrors errors, string? assignee)
    {
        var trimmed = assignee?.Trim();
        if (trimmed is { Length: 0 or > MaxAssignee })
        {
            errors.Add("assignee", $"Must be null or 1 to {MaxAssignee} characters.");
        }

        return trimmed;
    }
}
