using LinqToDB.Data;

namespace Kernel;

/// <summary>
/// The one connection and transaction of the current route or job. The kernel sends <c>app.tenant_id</c> and
/// <c>app.actor_id</c> (transaction-scoped) with its first statement, in the same round trip, so every query runs
/// under the tenant's row-level security. The kernel commits it when the handler succeeds and rolls it back on any
/// failure; handlers never commit. GET and HEAD routes are read-only: each statement runs in its own read-only
/// implicit transaction with the context in front of it, and writes are refused.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>
    /// The linq2db connection bound to the unit's transaction; opened on first use.
    /// </summary>
    /// <param name="cancellationToken">Cancels opening the connection.</param>
    /// <returns>The data connection. Do not dispose it; the kernel does.</returns>
    ValueTask<DataConnection> GetDbAsync(CancellationToken cancellationToken = default);
}
