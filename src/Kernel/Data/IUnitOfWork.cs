using LinqToDB.Data;

namespace Kernel;

/// <summary>
/// The one connection and transaction of the current route or job. Its first statement sets
/// <c>app.tenant_id</c> and <c>app.actor_id</c> (transaction-scoped), so every query runs under the tenant's
/// row-level security. The kernel commits it when the handler succeeds and rolls it back on any failure;
/// handlers never commit.
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
