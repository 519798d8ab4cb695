using Npgsql;

namespace Kernel.Data;

/// <summary>
/// Refuses to run as a role that would bypass row-level security: a superuser, a role with BYPASSRLS, or one
/// that owns (or inherits ownership of) a table with RLS. Also refuses tables that hold <c>tenant_id</c> but are
/// not forced under RLS — isolation fails closed.
/// </summary>
internal static class RuntimeRoleGuard
{
    public static async Task CheckAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            """
            select r.rolname, r.rolsuper, r.rolbypassrls,
                   coalesce((select string_agg(format('%I.%I', n.nspname, c.relname), ', ' order by n.nspname, c.relname)
                             from pg_class c join pg_namespace n on n.oid = c.relnamespace
                             where c.relkind in ('r', 'p') and c.relrowsecurity
                               and pg_has_role(current_user, c.relowner, 'USAGE')), '')
            from pg_roles r where r.rolname = current_user
            """,
            connection))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var role = reader.GetString(0);
            var problems = new List<string>();
            if (reader.GetBoolean(1))
            {
                problems.Add("it is a superuser");
            }

            if (reader.GetBoolean(2))
            {
                problems.Add("it has BYPASSRLS");
            }

            if (reader.GetString(3) is { Length: > 0 } owned)
            {
                problems.Add($"it owns (or is a member of the owner of) {owned}");
            }

            if (problems.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The runtime database role '{role}' would bypass row-level security: {string.Join("; ", problems)}. " +
                    "Connect the app (Kernel:Database:ConnectionString) as a separate LOGIN role that is NOSUPERUSER NOBYPASSRLS, owns no tables and is not a member of the owner role; " +
                    "run migrations as the owner (Kernel:Database:OwnerConnectionString). For example: CREATE ROLE app LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS;");
            }
        }

        await using (var command = new NpgsqlCommand(
            """
            select coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', ' order by n.nspname, c.relname), '')
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
            where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
              and not (c.relrowsecurity and c.relforcerowsecurity)
            """,
            connection))
        {
            var unprotected = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (unprotected.Length > 0)
            {
                throw new InvalidOperationException(
                    $"Tables with a tenant_id column are not under forced row-level security: {unprotected}. " +
                    "Add to their migration: ALTER TABLE … ENABLE ROW LEVEL SECURITY; ALTER TABLE … FORCE ROW LEVEL SECURITY; and a policy USING/WITH CHECK (tenant_id = kernel.current_tenant_id()).");
            }
        }
    }
}
