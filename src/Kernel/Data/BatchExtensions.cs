using Npgsql;

namespace Kernel.Data;

/// <summary>Appends kernel-internal statements to a unit of work's batch (<see cref="UnitOfWork.CreateBatchAsync"/>).</summary>
internal static class BatchExtensions
{
    /// <summary>Adds <paramref name="sql"/> (positional parameters) and returns it, for its parameters.</summary>
    public static NpgsqlBatchCommand Add(this NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(command);
        return command;
    }
}
