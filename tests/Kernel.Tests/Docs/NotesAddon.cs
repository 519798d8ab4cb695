using Kernel;
using LinqToDB.Data;
using Microsoft.AspNetCore.Http;

namespace Notes;

public sealed class NotesAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "notes",
        Version = "1.0.0",
        Summary = "Short notes, per tenant.",
        Permissions = [new PermissionDefinition("notes.write", "Write notes.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>> { ["member"] = ["notes.write"] },
    };

    public void MapRoutes(KernelRouteGroup routes) =>
        routes.MapPost("/notes", "notes.create", RouteAccess.Permission("notes.write"),
            async (NoteBody body, IUnitOfWork unitOfWork, CancellationToken cancellationToken) =>
            {
                // Runs inside the route's transaction, already scoped to the caller's tenant by RLS.
                var db = await unitOfWork.GetDbAsync(cancellationToken);
                var id = Guid.NewGuid();
                await db.ExecuteAsync("insert into notes.notes (id, text) values (@id, @text)",
                    new DataParameter("id", id), new DataParameter("text", body.Text));
                return Results.Created($"/api/notes/{id}", new { id });
            });
}

public sealed record NoteBody(string Text);
