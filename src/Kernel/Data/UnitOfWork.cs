using System.Data;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider;
using LinqToDB.DataProvider.PostgreSQL;
using Npgsql;

namespace Kernel.Data;

/// <summary>
/// One connection per scope (route or job), opened lazily so routes that never touch the database never take one.
/// </summary>
/// <remarks>
/// <para>
/// The context (<c>app.tenant_id</c>, <c>app.actor_id</c>, transaction-scoped) costs no round trip of its own: it
/// travels as <c>call kernel.set_context(...)</c> in front of the first statement the unit sends, in the same batch.
/// Every statement goes through here: linq2db's through <see cref="ContextInterceptor"/>, the kernel's own through
/// <see cref="CreateBatchAsync"/>.
/// </para>
/// <para>
/// A writable unit (the default: state-changing routes, jobs) is one transaction: Npgsql sends its <c>BEGIN</c> with
/// that first batch too, and <see cref="CommitAsync"/> commits it. A <see cref="ReadOnly"/> unit (GET routes) has no
/// <c>BEGIN</c> and no <c>COMMIT</c>: each statement runs in its own implicit transaction with the context in front
/// of it, read-only, so a single-query read is a single round trip. Reads at read committed take a snapshot per
/// statement either way; what a read-only unit gives up is writing, which PostgreSQL then refuses.
/// </para>
/// </remarks>
internal sealed class UnitOfWork(KernelDataSource dataSource, KernelContextAccessor contextAccessor) : IUnitOfWork, IAsyncDisposable
{
    internal static readonly IDataProvider Provider = PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15);

    /// <summary>What every unit's <see cref="DataConnection"/> shares: the provider and the one <see cref="ContextInterceptor"/>.</summary>
    private static readonly DataOptions SharedOptions = new DataOptions().UseInterceptor(ContextInterceptor.Instance);

    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private DataConnection? _db;
    private string? _tenant;
    private string? _actor;
    private bool _contextSent;
    private bool? _readOnly;
    private bool _completed;
    private bool _disposed;
    private List<Action>? _onCommitted;

    /// <summary>Whether the connection is open (a statement was or is about to be sent).</summary>
    public bool IsOpen => _connection is not null;

    /// <summary>
    /// Whether every statement runs read-only in its own implicit transaction (no BEGIN/COMMIT round trips). The
    /// default is the context's (<see cref="KernelContextAccessor.ReadOnly"/>: GET and HEAD routes); set it before the
    /// first statement to choose otherwise.
    /// </summary>
    public bool ReadOnly
    {
        get => _readOnly ?? contextAccessor.ReadOnly;
        set
        {
            if (IsOpen)
            {
                throw new InvalidOperationException("The unit of work is already open; its mode is chosen before the first statement.");
            }

            _readOnly = value;
        }
    }

    /// <summary>Whether the next statement must carry the context: always when read-only, else only the transaction's first.</summary>
    internal bool NeedsContext => _readOnly == true || !_contextSent;

    public async ValueTask<DataConnection> GetDbAsync(CancellationToken cancellationToken = default)
    {
        if (_db is not null)
        {
            return _db;
        }

        await OpenAsync(cancellationToken).ConfigureAwait(false);

        // linq2db binds a DataConnection to its DbConnection (or DbTransaction) through DataOptions, so one options
        // record per unit is unavoidable; it is derived from one built once (provider, the one shared interceptor),
        // so a unit adds one connection record and no interceptor or interceptor list. The interceptor finds this
        // unit through the connection (KernelDataConnection), not through state of its own.
        var options = _transaction is null
            ? SharedOptions.UseConnection(Provider, _connection!, disposeConnection: false)
            : SharedOptions.UseTransaction(Provider, _transaction);
        _db = new KernelDataConnection(options, this);
        return _db;
    }

    /// <summary>
    /// A batch on the unit's connection for kernel-internal statements; when the context is due it is already the
    /// batch's first command (which yields no result set, so <c>ExecuteScalar</c> and readers see the caller's).
    /// </summary>
    public async ValueTask<NpgsqlBatch> CreateBatchAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var batch = _connection!.CreateBatch();
        if (NeedsContext)
        {
            batch.BatchCommands.Add(ContextCommand());
        }

        return batch;
    }

    /// <summary>
    /// The batch of the unit's last statements, for <see cref="CommitWithAsync"/>. When the unit has sent nothing yet
    /// (a job or route whose handler never touched the database), it opens without <c>BEGIN</c>: the batch's
    /// statements, context first, run as one implicit transaction, atomic without a <c>BEGIN</c> or <c>COMMIT</c>
    /// of their own.
    /// </summary>
    public async ValueTask<NpgsqlBatch> CreateFinalBatchAsync(CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken, transaction: false).ConfigureAwait(false);
        return await CreateBatchAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the context now, in a round trip of its own, for callers that will use the raw connection (tests).</summary>
    public async Task EstablishAsync(CancellationToken cancellationToken)
    {
        await using var batch = await CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="action"/> once the unit has committed (not if it rolls back).</summary>
    public void OnCommitted(Action action) => (_onCommitted ??= []).Add(action);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return;
        }

        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Committed();
    }

    /// <summary>
    /// Runs <paramref name="batch"/> (from <see cref="CreateBatchAsync"/>: the unit's last statements) and commits the
    /// unit in the same round trip, with a COMMIT at the end of the batch. If a statement fails, the COMMIT never runs
    /// and disposing the unit rolls everything back. Returns the batch's scalar.
    /// </summary>
    public async Task<object?> CommitWithAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_transaction is not null)
        {
            batch.Add("commit");
        }

        var result = await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        Committed();
        return result;
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

    private void Committed()
    {
        _completed = true;
        foreach (var action in _onCommitted ?? [])
        {
            action();
        }
    }

    /// <summary>The context as parameter values, and marks it sent; for <see cref="ContextInterceptor"/> and <see cref="CreateBatchAsync"/>.</summary>
    internal (string Tenant, string Actor, bool ReadOnly) TakeContext()
    {
        _contextSent = true;
        return (_tenant!, _actor!, _readOnly == true);
    }

    private NpgsqlBatchCommand ContextCommand()
    {
        var (tenant, actor, readOnly) = TakeContext();
        return new NpgsqlBatchCommand(ContextInterceptor.PositionalCall)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = tenant },
                new NpgsqlParameter { Value = actor },
                new NpgsqlParameter { Value = readOnly },
            },
        };
    }

    private async ValueTask OpenAsync(CancellationToken cancellationToken, bool transaction = true)
    {
        if (_connection is not null)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_completed || _disposed, this);
        var context = contextAccessor.Current;

        // An empty tenant matches no row under the policies.
        _tenant = context.TenantId?.ToString() ?? string.Empty;
        _actor = context.Actor?.Id ?? string.Empty;
        _readOnly ??= contextAccessor.ReadOnly;
        _connection = await dataSource.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_readOnly == false && transaction)
        {
            // Npgsql sends BEGIN with the next statement, not on its own.
            _transaction = await _connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        }
    }
}
