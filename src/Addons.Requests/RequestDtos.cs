using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Addons.Requests;

/// <summary>
/// The body of <c>POST /api/requests</c>. Unknown fields are rejected. Only the title is required; the defaults say
/// so in the OpenAPI document (the handler validates, so a missing title is the 400 envelope, not a binding error).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CreateRequestBody(
    [property: MaxLength(RequestRoutes.MaxTitle)] string? Title,
    [property: MaxLength(RequestRoutes.MaxBody)] string? Body = null,
    [property: AllowedValues(RequestPriority.Low, RequestPriority.Normal, RequestPriority.High)] string? Priority = null,
    [property: MaxLength(RequestRoutes.MaxAssignee)] string? Assignee = null,
    DateTimeOffset? DueAt = null);

/// <summary>
/// The body of <c>PATCH /api/requests/{id}</c>: each field is optional, and <c>null</c> clears the nullable ones.
/// <see cref="JsonValueKind.Undefined"/> means "not sent".
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record UpdateRequestBody(JsonElement Title, JsonElement Body, JsonElement Priority, JsonElement Assignee, JsonElement DueAt);

/// <summary>The body of <c>POST /api/requests/{id}/transition</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record TransitionBody(
    [property: AllowedValues(RequestStatus.Open, RequestStatus.InProgress, RequestStatus.Resolved, RequestStatus.Cancelled)] string? To);

/// <summary>A request as the API returns it.</summary>
internal sealed record RequestResponse(
    Guid Id,
    string Title,
    string Body,
    [property: AllowedValues(RequestStatus.Open, RequestStatus.InProgress, RequestStatus.Resolved, RequestStatus.Cancelled)] string Status,
    [property: AllowedValues(RequestPriority.Low, RequestPriority.Normal, RequestPriority.High)] string Priority,
    string RequestedBy,
    string? Assignee,
    DateTimeOffset? DueAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    public static RequestResponse From(RequestRow row) => new(
        row.Id, row.Title, row.Body, row.Status, row.Priority, row.RequestedBy, row.Assignee, row.DueAt, row.CreatedAt, row.UpdatedAt, row.Version);
}

/// <summary>A page of requests and the cursor of the next page (null on the last page).</summary>
internal sealed record RequestPage(IReadOnlyList<RequestResponse> Items, string? NextCursor);
