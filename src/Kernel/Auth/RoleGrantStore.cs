using Kernel.Data;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Auth;

/// <summary>The current tenant's role overrides (<c>kernel.role_grants</c>), read and written in the unit of work under RLS.</summary>
internal sealed class RoleGrantStore(UnitOfWork unitOfWork, IKernelContextAccessor context, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> GetAsync(IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select role, permissions from kernel.role_grants where role = any($1)", transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = roles.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ListAsync(CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("select role, permissions from kernel.role_grants", transaction.Connection, transaction);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task SetAsync(string role, IReadOnlyCollection<string> permissions, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            insert into kernel.role_grants (role, permissions, updated_at, updated_by) values ($1, $2, $3, $4)
            on conflict (tenant_id, role) do update set permissions = excluded.permissions, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            transaction.Connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter { Value = permissions.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = context.Current.RequiredActor.Id });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ResetAsync(string role, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("delete from kernel.role_grants where role = $1", transaction.Connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = reader.GetFieldValue<string[]>(1).ToHashSet(StringComparer.Ordinal);
        }

        return result;
    }
}
