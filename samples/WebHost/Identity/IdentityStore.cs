using System.Data;
using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace WebHost.Identity;

/// <summary>Users, tenants, memberships and refresh tokens in the <c>idp</c> schema. All SQL of the identity provider lives here.</summary>
[SuppressMessage("Kernel.Data", "KRN3001", Justification = "The identity provider stands in for a separate service: identity is cross-tenant and precedes any kernel context, so it uses its own connection pool and schema, not a tenant's unit of work.")]
internal sealed class IdentityStore(IdentityDataSource dataSource, TimeProvider time)
{
    public sealed record User(Guid Id, string Email, string PasswordHash);

    public sealed record Membership(Guid TenantId, string Role);

    public sealed record RefreshToken(Guid FamilyId, Guid UserId, Guid? TenantId, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, DateTimeOffset? RevokedAt);

    /// <summary>Creates the tenant, the user and the user's admin membership in one transaction; false when the email is taken.</summary>
    public async Task<bool> SignUpAsync(Guid tenantId, string tenantName, Guid userId, string email, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var inserted = await ExecuteAsync(connection, transaction, "insert into idp.users (id, email, password_hash, created_at) values ($1, $2, $3, $4) on conflict (email) do nothing", cancellationToken, userId, email, passwordHash, now).ConfigureAwait(false);
        if (inserted == 0)
        {
            return false;
        }

        await ExecuteAsync(connection, transaction, "insert into idp.tenants (id, name, created_at) values ($1, $2, $3)", cancellationToken, tenantId, tenantName, now).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "insert into idp.memberships (tenant, user_id, role, created_at) values ($1, $2, 'admin', $3)", cancellationToken, tenantId, userId, now).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<User?> FindUserAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = dataSource.DataSource.CreateCommand("select id, email, password_hash from idp.users where email = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = email });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new User(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public async Task<string?> FindUserEmailAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.DataSource.CreateCommand("select email from idp.users where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task CreateUserAsync(Guid userId, string email, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "insert into idp.users (id, email, password_hash, created_at) values ($1, $2, $3, $4)", cancellationToken, userId, email, passwordHash, time.GetUtcNow()).ConfigureAwait(false);
    }

    public async Task UpdatePasswordHashAsync(Guid userId, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "update idp.users set password_hash = $2 where id = $1", cancellationToken, userId, passwordHash).ConfigureAwait(false);
    }

    /// <summary>False when the user is already a member of the tenant.</summary>
    public async Task<bool> AddMemberAsync(Guid tenantId, Guid userId, string role, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(
            connection,
            null,
            "insert into idp.memberships (tenant, user_id, role, created_at) values ($1, $2, $3, $4) on conflict do nothing",
            cancellationToken,
            tenantId,
            userId,
            role,
            time.GetUtcNow()).ConfigureAwait(false) == 1;
    }

    public async Task<IReadOnlyList<Membership>> MembershipsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.DataSource.CreateCommand("select tenant, role from idp.memberships where user_id = $1 order by created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var memberships = new List<Membership>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            memberships.Add(new Membership(reader.GetGuid(0), reader.GetString(1)));
        }

        return memberships;
    }

    public async Task AddRefreshTokenAsync(byte[] hash, Guid familyId, Guid userId, Guid? tenantId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            null,
            "insert into idp.refresh_tokens (token_hash, family_id, user_id, tenant, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)",
            cancellationToken,
            hash,
            familyId,
            userId,
            (object?)tenantId ?? DBNull.Value,
            time.GetUtcNow(),
            expiresAt).ConfigureAwait(false);
    }

    /// <summary>
    /// Rotates a refresh token atomically: marks it used and stores its successor in the same family. Returns the
    /// token as it was before, or <see langword="null"/> when unknown. A used or revoked token is not rotated; a used
    /// one (a replay) revokes its whole family.
    /// </summary>
    public async Task<RefreshToken?> RotateAsync(byte[] hash, byte[] successorHash, DateTimeOffset successorExpiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        RefreshToken? token;
        await using (var command = new NpgsqlCommand(
            "select family_id, user_id, tenant, expires_at, used_at, revoked_at from idp.refresh_tokens where token_hash = $1 for update",
            connection,
            transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = hash });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            token = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new RefreshToken(
                    reader.GetGuid(0),
                    reader.GetGuid(1),
                    reader.IsDBNull(2) ? null : reader.GetGuid(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5))
                : null;
        }

        var now = time.GetUtcNow();
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return token;
        }

        if (token.UsedAt is not null)
        {
            await RevokeFamilyAsync(connection, transaction, token.FamilyId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExecuteAsync(connection, transaction, "update idp.refresh_tokens set used_at = $2 where token_hash = $1", cancellationToken, hash, now).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                transaction,
                "insert into idp.refresh_tokens (token_hash, family_id, user_id, tenant, created_at, expires_at) values ($1, $2, $3, $4, $5, $6)",
                cancellationToken,
                successorHash,
                token.FamilyId,
                token.UserId,
                (object?)token.TenantId ?? DBNull.Value,
                now,
                successorExpiresAt).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Revokes the family of the token with <paramref name="hash"/>, if there is one.</summary>
    public async Task RevokeAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            null,
            "update idp.refresh_tokens set revoked_at = $2 where revoked_at is null and family_id = (select family_id from idp.refresh_tokens where token_hash = $1)",
            cancellationToken,
            hash,
            time.GetUtcNow()).ConfigureAwait(false);
    }

    private Task<int> RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "update idp.refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null", cancellationToken, familyId, time.GetUtcNow());

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
