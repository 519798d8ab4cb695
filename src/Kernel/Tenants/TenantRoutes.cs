using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Kernel.Audit;
using Microsoft.AspNetCore.Http;

namespace Kernel.Tenants;

/// <summary>
/// The registry's operator API under <c>/api/platform/tenants</c>: create, list, get, suspend and resume (export,
/// import and erase are in <c>Lifecycle/</c>). Every route is <see cref="RouteAccess.PlatformOperator"/>.
/// </summary>
internal static class TenantRoutes
{
    private const int MaxPageSize = 200;

    public static void Map(KernelRouteGroup tenants)
    {
        var access = RouteAccess.PlatformOperator;
        tenants.MapPost("", "kernel.tenants.create", access, CreateAsync)
            .WithSummary("Register a tenant")
            .Produces<TenantView>(StatusCodes.Status201Created);
        tenants.MapGet("", "kernel.tenants.list", access, ListAsync)
            .WithSummary("List tenants");
        tenants.MapGet("/{id:guid}", "kernel.tenants.get", access, GetAsync)
            .WithSummary("Get a tenant")
            .Produces<TenantView>();
        tenants.MapPost("/{id:guid}/suspend", "kernel.tenants.suspend", access, SuspendAsync)
            .WithSummary("Suspend a tenant")
            .Produces<TenantView>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        tenants.MapPost("/{id:guid}/resume", "kernel.tenants.resume", access, ResumeAsync)
            .WithSummary("Resume a suspended tenant")
            .Produces<TenantView>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        tenants.MapPut("/{id:guid}/addons/{addon}", "kernel.tenants.addons.enable", access, EnableAddonAsync)
            .WithSummary("Switch an optional addon on for a tenant")
            .Produces<TenantView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        tenants.MapDelete("/{id:guid}/addons/{addon}", "kernel.tenants.addons.disable", access, DisableAddonAsync)
            .WithSummary("Switch an optional addon off for a tenant (its data is kept)")
            .Produces<TenantView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        tenants.MapPut("/{id:guid}/plan", "kernel.tenants.plan", access, SetPlanAsync)
            .WithSummary("Put a tenant on a plan")
            .Produces<TenantView>()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary><c>GET /api/tenant</c>: the caller's own tenant, with its plan and the addons it has.</summary>
    public static void MapCurrent(KernelRouteGroup tenant) =>
        tenant.MapGet("", "kernel.tenant.get", RouteAccess.Authenticated, GetCurrentAsync)
            .WithSummary("Get the caller's tenant: its plan and the addons it has")
            .Produces<CurrentTenantView>();

    private static async Task<CurrentTenantView> GetCurrentAsync(IKernelContextAccessor context, TenantStore store, CancellationToken cancellationToken)
    {
        var view = await store.GetAsync(context.Current.RequiredTenantId, cancellationToken).ConfigureAwait(false)
            ?? throw KernelException.NotFound("Tenant"); // Unregistered, under Kernel:Tenancy:Registry = Open.
        return new CurrentTenantView(view.Id, view.Slug, view.Name, view.Status, view.Plan, view.Addons);
    }

    private static Task<TenantView> EnableAddonAsync(Guid id, string addon, AddonSwitcher switcher, IKernelContextAccessor context, AuditTarget audit, HttpContext http, CancellationToken cancellationToken) =>
        SwitchAsync(id, addon, enabled: true, switcher, context, audit, http, cancellationToken);

    private static Task<TenantView> DisableAddonAsync(Guid id, string addon, AddonSwitcher switcher, IKernelContextAccessor context, AuditTarget audit, HttpContext http, CancellationToken cancellationToken) =>
        SwitchAsync(id, addon, enabled: false, switcher, context, audit, http, cancellationToken);

    private static async Task<TenantView> SwitchAsync(
        Guid id, string addon, bool enabled, AddonSwitcher switcher, IKernelContextAccessor context, AuditTarget audit, HttpContext http, CancellationToken cancellationToken)
    {
        audit.Set("tenant", id.ToString());
        audit.Details = new JsonObject { ["addon"] = AuditTarget.Truncate(addon), ["enabled"] = enabled };
        var view = await switcher.SetAddonAsync(id, addon, enabled, context.Current.RequiredActor.Id, cancellationToken).ConfigureAwait(false);
        SetETag(http, view);
        return view;
    }

    private static async Task<TenantView> SetPlanAsync(
        Guid id, SetPlanBody? body, AddonSwitcher switcher, IKernelContextAccessor context, AuditTarget audit, HttpContext http, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            throw KernelException.Validation("body", "A JSON object is required, e.g. {\"plan\": \"pro\"} ({\"plan\": null} for none).");
        }

        audit.Set("tenant", id.ToString());
        audit.Details = new JsonObject { ["plan"] = body.Plan is null ? null : AuditTarget.Truncate(body.Plan) };
        var view = await switcher.SetPlanAsync(id, body.Plan, context.Current.RequiredActor.Id, cancellationToken).ConfigureAwait(false);
        SetETag(http, view);
        return view;
    }

    private static async Task<IResult> CreateAsync(
        CreateTenantBody? body,
        ITenantRegistry registry,
        TenantStore store,
        IKernelContextAccessor context,
        IAuditTarget audit,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        audit.Set("tenant", id.ToString());
        var tenant = new NewTenant(body?.Slug!, body?.Name!) { Id = id, ExternalIds = body?.ExternalIds ?? [] };
        await registry.CreateAsync(tenant, context.Current.RequiredActor.Id, cancellationToken).ConfigureAwait(false);
        var view = await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A tenant just created could not be read back.");
        SetETag(http, view);
        return Results.Created($"{http.Request.PathBase}{http.Request.Path}/{id}", view);
    }

    // The query as text, parsed here as the other list routes parse theirs: ' 5' or '+5' is no page size, and a
    // malformed value gets a field error rather than the binder's message.
    private static async Task<TenantPage> ListAsync(string? status, string? cursor, string? limit, TenantStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (status is not null && !TenantStatus.All.Contains(status))
        {
            errors.Add("status", $"Must be one of {string.Join(", ", TenantStatus.All)}.");
        }

        var size = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            errors.Add("limit", $"Must be a whole number from 1 to {MaxPageSize}.");
        }

        var after = cursor is null ? default((DateTimeOffset, Guid)?) : DecodeCursor(cursor);
        if (cursor is not null && after is null)
        {
            errors.Add("cursor", "Is not a cursor this API returned.");
        }

        errors.ThrowIfAny();
        var page = await store.ListAsync(status, after, size + 1, cancellationToken).ConfigureAwait(false);
        var items = page.Take(size).ToList();
        return new TenantPage(items, page.Count > size ? EncodeCursor(items[^1]) : null);
    }

    private static async Task<TenantView> GetAsync(Guid id, TenantStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var view = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Tenant");
        SetETag(http, view);
        return view;
    }

    private static Task<TenantView> SuspendAsync(Guid id, SuspendTenantBody? body, TenantStore store, IAuditTarget audit, HttpContext http, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            // A JSON null, as an empty body is refused by binding: the reason may be left out, the object not.
            throw KernelException.Validation("body", "A JSON object is required, e.g. {\"reason\": \"unpaid invoice\"}.");
        }

        var reason = body.Reason?.Trim();
        if (reason is { Length: > 500 })
        {
            throw KernelException.Validation("reason", "Must be at most 500 characters.");
        }

        return ChangeStatusAsync(id, [TenantStatus.Active, TenantStatus.Suspended], TenantStatus.Suspended, reason, store, audit, http, cancellationToken);
    }

    private static Task<TenantView> ResumeAsync(Guid id, TenantStore store, IAuditTarget audit, HttpContext http, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, [TenantStatus.Suspended, TenantStatus.Active], TenantStatus.Active, null, store, audit, http, cancellationToken);

    /// <summary>Suspending a suspended tenant (or resuming an active one) is harmless: it answers with the tenant.</summary>
    private static async Task<TenantView> ChangeStatusAsync(
        Guid id, string[] from, string to, string? reason, TenantStore store, IAuditTarget audit, HttpContext http, CancellationToken cancellationToken)
    {
        audit.Set("tenant", id.ToString());
        var view = await store.SetStatusAsync(id, from, to, reason, IfMatchVersion(http), cancellationToken).ConfigureAwait(false);
        SetETag(http, view);
        return view;
    }

    /// <summary>The version an <c>If-Match</c> header names; null without one (or with <c>*</c>); 412 when it names no version.</summary>
    internal static int? IfMatchVersion(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch;
        if (header.Count == 0)
        {
            return null;
        }

        var tag = header.ToString().Trim();
        if (tag == "*")
        {
            return null;
        }

        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && int.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw KernelException.PreconditionFailed("If-Match must be one ETag this API returned, e.g. \"3\".");
    }

    private static void SetETag(HttpContext http, TenantView view) =>
        http.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{view.Version}\"");

    private static string EncodeCursor(TenantView last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}:{last.Id:N}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTimeOffset, Guid)? DecodeCursor(string cursor)
    {
        if (cursor.Length > 100)
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var id)
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The body of <c>POST /api/platform/tenants</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record CreateTenantBody(string? Slug, string? Name, IReadOnlyList<string>? ExternalIds = null);

/// <summary>The body of <c>POST /api/platform/tenants/{id}/suspend</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SuspendTenantBody([property: System.ComponentModel.DataAnnotations.MaxLength(500)] string? Reason = null);

/// <summary>A page of tenants; <c>NextCursor</c> fetches the next one, null on the last.</summary>
internal sealed record TenantPage(IReadOnlyList<TenantView> Items, string? NextCursor);

/// <summary>The body of <c>PUT /api/platform/tenants/{id}/plan</c>: the plan's name, or null for none.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record SetPlanBody([property: JsonRequired] string? Plan);

/// <summary>The caller's tenant (<c>GET /api/tenant</c>): every addon on for it, and its plan.</summary>
internal sealed record CurrentTenantView(Guid Id, string Slug, string Name, string Status, string? Plan, IReadOnlyList<string> Addons);
