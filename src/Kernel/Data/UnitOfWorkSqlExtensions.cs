using LinqToDB.Data;

namespace Kernel;

/// <summary>
/// Typed reads with SQL text on the unit of work, through linq2db's SQL API: the rows are mapped to
/// the row type by linq2db's mapping (the <c>[Column]</c> names of a row class, or a scalar), without
/// translating a LINQ expression per call. Same connection, same transaction and the same context as
/// <see cref="IUnitOfWork.GetDbAsync"/> (row-level security applies exactly as it does to LINQ queries).
/// </summary>
/// <remarks>
/// For the hot reads of a route (get by key, a page of a list): a LINQ query costs linq2db tens of microseconds of
/// expression work and ~20 KB of allocation per call even when its query is cached; SQL text costs little over a raw
/// Npgsql command. Parameters are named (<c>@name</c> in the text, <see cref="DataParameter"/> by the same name);
/// positional parameters (<c>$1</c>) are refused on read-only (GET) units, because the kernel's context travels in
/// front of the statement in the same command text. Keep using LINQ for writes, joins and anything whose SQL is
/// not short and fixed (docs/data.md).
/// </remarks>
public static class UnitOfWorkSqlExtensions
{
    /// <summary>Runs <paramref name="sql"/> and maps every row to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A row class mapped for linq2db (its columns by name), or a scalar type for a one-column result.</typeparam>
    /// <param name="unitOfWork">The route's or job's unit of work.</param>
    /// <param name="sql">A statement with named parameters (<c>@id</c>).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <param name="parameters">The statement's parameters, named as in <paramref name="sql"/> (without the <c>@</c>).</param>
    /// <returns>The rows, in the statement's order.</returns>
    public static async Task<T[]> QueryAsync<T>(this IUnitOfWork unitOfWork, string sql, CancellationToken cancellationToken, params DataParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(unitOfWork);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        var db = await unitOfWork.GetDbAsync(cancellationToken).ConfigureAwait(false);
        return await db.QueryToArrayAsync<T>(sql, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> and maps its first row to <typeparamref name="T"/>, or returns the default when there
    /// is none. Meant for a lookup by key (or a statement with <c>limit 1</c>): every row the statement returns is read.
    /// </summary>
    /// <typeparam name="T">A row class mapped for linq2db (its columns by name), or a scalar type for a one-column result.</typeparam>
    /// <param name="unitOfWork">The route's or job's unit of work.</param>
    /// <param name="sql">A statement with named parameters (<c>@id</c>).</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <param name="parameters">The statement's parameters, named as in <paramref name="sql"/> (without the <c>@</c>).</param>
    /// <returns>The first row, or the default of <typeparamref name="T"/> (null for a class) when there is none.</returns>
    public static async Task<T?> QueryFirstOrDefaultAsync<T>(this IUnitOfWork unitOfWork, string sql, CancellationToken cancellationToken, params DataParameter[] parameters)
    {
        var rows = await unitOfWork.QueryAsync<T>(sql, cancellationToken, parameters).ConfigureAwait(false);
        return rows.Length > 0 ? rows[0] : default;
    }
}
