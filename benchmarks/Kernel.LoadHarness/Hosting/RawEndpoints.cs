using System.Globalization;
using System.Security.Claims;
using Npgsql;

namespace Kernel.LoadHarness.Hosting;

/// <summary>
/// The raw baselines: plain Minimal API endpoints over a plain <see cref="NpgsqlDataSource"/>, on tables without
/// row-level security, doing what the kernel's routes do (same columns, same JSON, same audit row) and nothing else.
/// </summary>
internal static class RawEndpoints
{
    private const string Columns = "id, title, body, status, priority, requested_by, assignee, due_at, created_at, updated_at, version";

    public static void Map(WebApplication app)
    {
        app.MapGet("/raw/hello", static () => TypedResults.Ok(new Bench.Hello("hello, world"))).RequireAuthorization();
        app.MapGet("/raw/requests/{id:guid}", static (Guid id, ClaimsPrincipal user, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
            ReadAsync(db, Guid.Parse(user.FindFirst("tenant_id")!.Value), id, http, ct)).RequireAuthorization();
        app.MapGet("/raw-open/requests/{tenant:guid}/{id:guid}", static (Guid tenant, Guid id, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
            ReadAsync(db, tenant, id, http, ct));
        app.MapPost("/raw/requests", static (CreateBody body, ClaimsPrincipal user, NpgsqlDataSource db, HttpContext http, CancellationToken ct) =>
            CreateAsync(db, Guid.Parse(user.FindFirst("tenant_id")!.Value), user.FindFirst("sub")!.Value, body, http, ct)).RequireAuthorization();
    }

    private static async Task<IResult> ReadAsync(NpgsqlDataSource db, Guid tenant, Guid id, HttpContext http, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select {Columns} from bench.requests where tenant_id = $1 and id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return TypedResults.NotFound();
        }

        var row = new RawRequest(
            reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9), reader.GetInt32(10));
        http.Response.Headers.ETag = string.Create(CultureInfo.InvariantCulture, $"\"{row.Version}\"");
        return TypedResults.Ok(row);
    }

    private static async Task<IResult> CreateAsync(NpgsqlDataSource db, Guid tenant, string actor, CreateBody body, HttpContext http, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var row = new RawRequest(Guid.CreateVersion7(now), body.Title, body.Body ?? "", "open", body.Priority ?? "normal", actor, null, null, now, now, 1);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand(
            "insert into bench.requests (tenant_id, id, title, body, status, priority, requested_by, created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            connection,
            transaction))
        {
            foreach (var value in new object[] { tenant, row.Id, row.Title, row.Body, row.Status, row.Priority, actor, now, now, 1 })
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await insert.ExecuteNonQueryAsync(ct);
        }

        await using (var audit = new NpgsqlCommand(
            "insert into bench.audit_log (tenant_id, occurred_at, actor_id, action, target_type, target_id, outcome, status, correlation_id, trace_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            connection,
            transaction))
        {
            foreach (var value in new object[] { tenant, now, actor, "requests.create", "requests", row.Id.ToString(), "success", 201, http.TraceIdentifier, http.TraceIdentifier })
            {
                audit.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await audit.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        http.Response.Headers.ETag = "\"1\"";
        return TypedResults.Created($"/raw/requests/{row.Id}", row);
    }
}

/// <summary>The create body (title, body, priority), as the kernel's route takes it.</summary>
internal sealed record CreateBody(string Title, string? Body, string? Priority);

/// <summary>The same fields the kernel's Requests addon answers with.</summary>
internal sealed record RawRequest(
    Guid Id, string Title, string Body, string Status, string Priority, string RequestedBy, string? Assignee,
    DateTimeOffset? DueAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version);
