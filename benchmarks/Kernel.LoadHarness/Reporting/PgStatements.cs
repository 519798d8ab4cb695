using Kernel.Testing;
using Npgsql;

namespace Kernel.LoadHarness.Reporting;

/// <summary>
/// <c>--pg-stats</c>: where the database's time went during a suite, from <c>pg_stat_statements</c> (loaded into the
/// harness's cluster for the run), top statements by total execution time. A profiling aid, printed under the suite's tables.
/// </summary>
internal static class PgStatements
{
    public static void Enable(LocalPostgresOptions options)
    {
        options.ServerSettings["shared_preload_libraries"] = "pg_stat_statements";
        options.ServerSettings["pg_stat_statements.track"] = "all";
        options.ServerSettings["track_io_timing"] = "on";
    }

    public static async Task ResetAsync(LocalPostgresCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.SuperuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("create extension if not exists pg_stat_statements; select pg_stat_statements_reset();", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<ResultTable> ReportAsync(LocalPostgresCluster cluster, string suite, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.SuperuserConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            select d.datname, s.calls, s.total_exec_time, s.total_exec_time / nullif(s.calls, 0), s.rows, s.toplevel,
                   left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
              from pg_stat_statements s join pg_database d on d.oid = s.dbid
             where d.datname like 'bench%'
             order by s.total_exec_time desc
             limit 15
            """,
            connection);
        var table = new ResultTable($"Database time during the {suite} suite (pg_stat_statements, top 15)", "database", "calls", "total ms", "mean ms", "rows", "statement");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            table.Row(
                reader.GetString(0),
                ResultTable.Number(reader.GetInt64(1)),
                ResultTable.Number(reader.GetDouble(2)),
                ResultTable.Number(reader.IsDBNull(3) ? 0 : reader.GetDouble(3), 3),
                ResultTable.Number(reader.GetInt64(4)),
                (reader.GetBoolean(5) ? "" : "(nested) ") + "`" + reader.GetString(6).Replace("|", "\\|", StringComparison.Ordinal) + "`");
        }

        return table.Note("Execution time only (planning not tracked); nested statements (inside functions) are counted inside their callers too.");
    }
}
