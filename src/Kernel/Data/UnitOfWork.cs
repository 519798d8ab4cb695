using System.Data;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider;
using LinqToDB.DataProvider.PostgreSQL;
using Npgsql;

namespace Kernel.Data;

/// <summary>
/// One connection + one transaction per scope (route or job), opened lazily so routes that never touch the
/// database never take a connection.
/// </summary>
internal sealed class UnitOfWork(KernelDataSource dataSource, KernelContextAccessor contextAccessor) : IUnitOfWork, IAsyncDisposable
{
    internal static readonly IDataProvider Provider = PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15);

    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private DataConnection? _db;
    private bool _completed;
    private bool _disposed;

    public bool IsOpen => _transaction is not null;

    public async ValueTask<DataConnection> GetDbAsync(CancellationToken cancellationToken = default)
    {
        if (_db is not null)
        {
            return _db;
        }

        ObjectDisposedException.ThrowIf(_completed || _disposed, this);
        await BeginAsync(cancellationToken).ConfigureAwait(false);
        _db = new DataConnection(new DataOptions().UseTransaction(Provider, _transaction!));
        return _db;
    }

    /// <summary>The raw transaction, for kernel-internal statements (audit, job enqueue) that join the unit.</summary>
    public async ValueTask<NpgsqlTransaction> GetTransactionAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            await GetDbAsync(cancellationToken).ConfigureAwait(false);
        }

        return _transaction!;
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null && !_completed)
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _completed = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent on purpose: the container disposes this instance once per registration that resolved it
        // (UnitOfWork and IUnitOfWork). Npgsql reuses one transaction object per pooled connector, so a second
        // dispose reaching a transaction object after its connector went back to the pool would roll back
        // whichever request holds that connector now.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _completed = true;
        var (db, transaction, connection) = (_db, _transaction, _connection);
        (_db, _transaction, _connection) = (null, null, null);
        if (transaction is not null)
        {
            await transaction.DisposeAsync().ConfigureAwait(false); // rolls back unless committed
        }

        if (db is not null)
        {
            await db.DisposeAsync().ConfigureAwait(false);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task BeginAsync(CancellationToken cancellationToken)
    {
        var context = contextAccessor.Current;
        _connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

        // Transaction-scoped settings (is_local = true): they end with the transaction, so nothing leaks through
        // the pool or a transaction-mode PgBouncer. An empty tenant matches no row under the policies.
        await using var command = new NpgsqlCommand(
            "select set_config('app.tenant_id', $1, true), set_config('app.actor_id', $2, true)",
            _connection,
            _transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = context.TenantId?.ToString() ?? string.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = context.Actor?.Id ?? string.Empty });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
