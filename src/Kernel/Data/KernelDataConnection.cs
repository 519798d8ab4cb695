using LinqToDB;
using LinqToDB.Data;

namespace Kernel.Data;

/// <summary>
/// A unit of work's linq2db connection: a plain <see cref="DataConnection"/> that also knows its unit, so the one
/// shared <see cref="ContextInterceptor"/> can put that unit's context in front of each statement.
/// </summary>
internal sealed class KernelDataConnection(DataOptions options, UnitOfWork unitOfWork) : DataConnection(options)
{
    /// <summary>The unit of work this connection belongs to.</summary>
    public UnitOfWork UnitOfWork { get; } = unitOfWork;
}
