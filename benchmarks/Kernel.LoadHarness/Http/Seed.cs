using Kernel.Testing;
using Npgsql;

namespace Kernel.LoadHarness.Http;

/// <summary>
/// The read scenario's data: <see cref="HarnessSettings.Rows"/> requests over <see cref="HarnessSettings.Tenants"/>
/// tenants in the kernel's <c>requests.requests</c> (RLS) and the same rows in <c>bench.requests</c> (no RLS) for the
/// raw endpoints, plus <c>bench.audit_log</c> shaped like the kernel's, and the tenants in the kernel's registry. Written as the superuser, which RLS does not bind.
/// </summary>
internal sealed record Seed(IReadOnlyList<Guid> Tenants, IReadOnlyList<(Guid Tenant, Guid Id)> Sample)
{
    public static async Task<Seed> RunAsync(LocalPostgresCluster cluster, string database, HarnessSettings settings, CancellationToken cancellationToken)
    {
        var tenants = Enumerable.Range(0, settings.Tenants).Select(_ => Guid.NewGuid()).ToArray();
        var superuser = Superuser.ConnectionStringFor(cluster, database);
        await using var connection = new NpgsqlConnection(superuser);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, cancellationToken, $"""
            create schema bench;
            create table bench.requests (like requests.requests including defaults including constraints including indexes);
            create table bench.audit_log (like kernel.audit_log including defaults including constraints including indexes including identity);
            grant usage on schema bench to {cluster.RuntimeRole};
            grant select, insert on all tables in schema bench to {cluster.RuntimeRole};
            """);
        await using (var insert = new NpgsqlCommand(
            """
            insert into requests.requests (tenant_id, id, title, body, status, priority, requested_by, created_at, updated_at)
            select t.id, gen_random_uuid(), 'Request ' || g, 'Seeded by the load harness.', 'open', 'normal', 'seed',
                   now() - make_interval(secs => g), now() - make_interval(secs => g)
              from unnest($1::uuid[]) as t(id) cross join generate_series(1, $2) as g
            """,
            connection))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = tenants });
            insert.Parameters.Add(new NpgsqlParameter { Value = settings.Rows / settings.Tenants });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // The kernel host resolves every request's tenant through the registry (Kernel:Tenancy:Registry = Required).
        await using (var register = new NpgsqlCommand(
            "insert into kernel.tenants (id, slug, name) select t.id, 'bench-' || t.n, 'Bench tenant ' || t.n from unnest($1::uuid[]) with ordinality as t(id, n)",
            connection))
        {
            register.Parameters.Add(new NpgsqlParameter { Value = tenants });
            await register.ExecuteNonQueryAsync(cancellationToken);
        }

        await ExecuteAsync(connection, cancellationToken, "insert into bench.requests select * from requests.requests; analyze;");
        var sample = new List<(Guid, Guid)>();
        await using (var pick = new NpgsqlCommand("select tenant_id, id from requests.requests order by random() limit 1000", connection))
        await using (var reader = await pick.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sample.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }

        return new Seed(tenants, sample);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken cancellationToken, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
