using System.Data;
using System.Data.Common;
using LinqToDB.Interceptors;
using Npgsql;

namespace Kernel.Data;

/// <summary>
/// Puts the unit of work's context in front of a linq2db statement that needs it, in the same command: the command
/// text gains a leading <c>call kernel.set_context(...);</c> with three named parameters, which Npgsql sends as one
/// batch in one round trip. The call yields no result set, so readers, scalars and row counts are the statement's own.
/// One instance serves every unit of work: it finds the statement's unit through its connection
/// (<see cref="KernelDataConnection"/>), so a unit builds no interceptor of its own.
/// </summary>
internal sealed class ContextInterceptor : CommandInterceptor
{
    public static readonly ContextInterceptor Instance = new();
    public const string PositionalCall = "call kernel.set_context($1, $2, $3)";

    private const string NamedCall = "call kernel.set_context(@kernel_context_tenant, @kernel_context_actor, @kernel_context_read_only);\n";

    private ContextInterceptor()
    {
    }

    public override DbCommand CommandInitialized(CommandEventData eventData, DbCommand command)
    {
        var unitOfWork = eventData.DataConnection is KernelDataConnection connection
            ? connection.UnitOfWork
            : throw new InvalidOperationException("The kernel's context interceptor runs only on a unit of work's connection.");
        if (!unitOfWork.NeedsContext)
        {
            return command;
        }

        var npgsql = (NpgsqlCommand)command;
        var (tenant, actor, readOnly) = unitOfWork.TakeContext();
        if (command.CommandType != CommandType.Text || npgsql.Parameters.Any(p => string.IsNullOrEmpty(p.ParameterName)))
        {
            // Positional parameters ($1) or a stored procedure cannot share their command text. In a transaction, send
            // the context on its own first (an extra round trip, only for such statements); a read-only unit has no
            // transaction for it to outlast the round trip in. linq2db's own SQL never lands here.
            if (readOnly)
            {
                throw new InvalidOperationException(
                    "A read-only (GET) unit of work runs each statement with its context in the same command text, which needs named parameters (@name): this command uses positional parameters or is a stored procedure call.");
            }

            using var context = new NpgsqlCommand(PositionalCall, npgsql.Connection, npgsql.Transaction);
            context.Parameters.Add(new NpgsqlParameter { Value = tenant });
            context.Parameters.Add(new NpgsqlParameter { Value = actor });
            context.Parameters.Add(new NpgsqlParameter { Value = readOnly });
            context.ExecuteNonQuery();
            return command;
        }

        command.CommandText = NamedCall + command.CommandText;
        npgsql.Parameters.Add(new NpgsqlParameter("kernel_context_tenant", tenant));
        npgsql.Parameters.Add(new NpgsqlParameter("kernel_context_actor", actor));
        npgsql.Parameters.Add(new NpgsqlParameter("kernel_context_read_only", readOnly));
        return command;
    }
}
