using Microsoft.AspNetCore.Builder;
using LinqToDB.Data;
using Microsoft.AspNetCore.Http;

namespace Kernel.Tests.TestAddons;

/// <summary>A small addon for kernel tests: one RLS table and routes that exercise the wrapper's paths.</summary>
public sealed class WidgetsAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "widgets",
        Version = "1.0.0",
        Summary = "Test widgets.",
        Permissions = [new PermissionDefinition("widgets.write", "Write widgets.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>> { ["maker"] = ["widgets.write"] },
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        routes.MapGet("/ping", "widgets.ping", RouteAccess.Public, (IKernelContextAccessor context) =>
            Results.Ok(new { tenant = context.Current.TenantId, actor = context.Current.Actor?.Id, correlation = context.Current.CorrelationId }));

        routes.MapPost("/widgets", "widgets.create", RouteAccess.Permission("widgets.write"), async (WidgetBody body, IUnitOfWork unitOfWork) =>
        {
            var db = await unitOfWork.GetDbAsync();
            var id = Guid.NewGuid();
            await InsertAsync(db, id, body.Name);
            return Results.Created($"/api/widgets/{id}", new { id });
        });

        // A route with a rate-limit policy of its own (Kernel:RateLimiting:Policies:expensive).
        routes.MapGet("/widgets/expensive", "widgets.expensive", RouteAccess.Authenticated, () => Results.Ok(new { ok = true }))
            .WithRateLimitPolicy("expensive");

        routes.MapGet("/widgets", "widgets.count", RouteAccess.Authenticated, async (IUnitOfWork unitOfWork) =>
        {
            var db = await unitOfWork.GetDbAsync();
            return Results.Ok(new { count = await db.ExecuteAsync<int>("select count(*)::int from widgets.widgets") });
        });

        // Inserts, then fails: the insert must roll back and the caller must see no internals.
        routes.MapPost("/widgets/explode", "widgets.explode", RouteAccess.Authenticated, async (IUnitOfWork unitOfWork) =>
        {
            var db = await unitOfWork.GetDbAsync();
            await InsertAsync(db, Guid.NewGuid(), "doomed");
            throw new InvalidOperationException("secret internal detail: connection=Host=db;Password=hunter2");
        });

        // Inserts, then returns an error result: also rolls back.
        routes.MapPost("/widgets/reject", "widgets.reject", RouteAccess.Authenticated, async (IUnitOfWork unitOfWork) =>
        {
            var db = await unitOfWork.GetDbAsync();
            await InsertAsync(db, Guid.NewGuid(), "rejected");
            return Results.Conflict();
        });
    }

    /// <summary>Tenants whose creation the hook below fails (a test adds the id it is about to create).</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> FailCreationOf { get; } = new();

    /// <summary>Seeds a welcome widget in every new tenant, in the registration's transaction and under its RLS.</summary>
    public async Task OnTenantCreatedAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        await InsertAsync(db, Guid.NewGuid(), "welcome");
        if (FailCreationOf.ContainsKey(tenantId))
        {
            throw new InvalidOperationException("The widgets addon refuses this tenant.");
        }
    }

    private static Task<int> InsertAsync(DataConnection db, Guid id, string name) =>
        db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, @name)", new DataParameter("id", id), new DataParameter("name", name));
}

public sealed record WidgetBody(string Name);
