using Kernel;
using Microsoft.AspNetCore.Http;

namespace KernelAddon;

/// <summary>The routes under <c>/api/kerneladdon/items</c>. The kernel resolves the caller, checks the permission and runs each one in a unit of work under the tenant's row-level security.</summary>
internal static class ItemRoutes
{
    public static void Map(KernelRouteGroup items)
    {
        items.MapPost("", KernelAddonAddon.Name + ".items.create", RouteAccess.Permission(KernelAddonAddon.WritePermission), CreateAsync)
            .Produces<ItemResponse>(StatusCodes.Status201Created);
        items.MapGet("/{id:guid}", KernelAddonAddon.Name + ".items.get", RouteAccess.Permission(KernelAddonAddon.ReadPermission), GetAsync);
    }

    private static async Task<IResult> CreateAsync(
        CreateItemBody? body,
        ItemStore store,
        IJobQueue jobs,
        ITenantSettings<KernelAddonSettings> settings,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        // The caller's tenant's settings: cached per instance, refreshed on every instance soon after a change.
        var maxTitle = (await settings.GetAsync(cancellationToken)).MaxTitleLength;
        var title = body?.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > maxTitle)
        {
            throw KernelException.Validation("title", $"Must be 1 to {maxTitle} characters.");
        }

        var item = await store.CreateAsync(title, cancellationToken);

        // Enqueued in this route's transaction: the job exists if and only if the item does.
        await jobs.EnqueueAsync(StampItemJob.Definition, new StampItem(item.Id), cancellationToken: cancellationToken);
        return Results.Created($"{http.Request.PathBase}{http.Request.Path.Value!.TrimEnd('/')}/{item.Id}", ItemResponse.From(item));
    }

    private static async Task<ItemResponse> GetAsync(Guid id, ItemStore store, CancellationToken cancellationToken) =>
        ItemResponse.From(await store.FindAsync(id, cancellationToken) ?? throw KernelException.NotFound("Item"));
}

/// <summary>The body of <c>POST /api/kerneladdon/items</c>.</summary>
/// <param name="Title">The item's title, 1 to the tenant's <see cref="KernelAddonSettings.MaxTitleLength"/> characters.</param>
internal sealed record CreateItemBody(string? Title);

/// <summary>An item as the API returns it.</summary>
internal sealed record ItemResponse(Guid Id, string Title, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StampedAt)
{
    public static ItemResponse From(ItemRow row) => new(row.Id, row.Title, row.CreatedBy, row.CreatedAt, row.StampedAt);
}
