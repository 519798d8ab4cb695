using BenchmarkDotNet.Attributes;
using Kernel.Benchmarks.Bench;
using Kernel.Benchmarks.Hosting;
using Kernel.Data;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kernel.Benchmarks.Data;

/// <summary>
/// Establishing the kernel context and reading one row of a tenant table, against a real PostgreSQL: what a route does
/// per request (a DI scope, <c>KernelContextAccessor.Establish</c>, the scope's unit of work sending the context in band
/// with the query, commit, dispose) next to a raw <see cref="NpgsqlDataSource"/> command reading the same row from a
/// copy of the table without row-level security, filtering on the tenant itself.
/// </summary>
/// <remarks>
/// The raw data source has the kernel's pool settings (no reset on close), so the difference is the kernel's, not
/// Npgsql's. Read-only units are what GET routes get (no BEGIN/COMMIT); the transaction unit is what state-changing
/// routes and jobs get (BEGIN with the first statement, COMMIT a round trip of its own).
/// </remarks>
[MemoryDiagnoser]
public class TenantReadBenchmarks
{
    private const string RawSql = "select name from bench.items_plain where tenant_id = $1 and id = $2";
    private const string KernelSql = "select name from bench.items where id = $1";
    private const int ItemsPerTenant = 100;

    private static readonly Guid Tenant = Guid.Parse("0198c0de-0000-7000-8000-000000000001");
    private static readonly Guid OtherTenant = Guid.Parse("0198c0de-0000-7000-8000-000000000002");

    private readonly KernelActor _actor = BenchContexts.Actor("bench-actor", BenchAddon.MemberRole);
    private BenchDatabase _database = null!;
    private WebApplication _app = null!;
    private NpgsqlDataSource _raw = null!;
    private Guid _item;
    private string _expected = null!;

    /// <summary>Starts PostgreSQL and the kernel app (which migrates), seeds two tenants' items, and checks every variant reads the same name.</summary>
    /// <returns>A task that completes when the data is in place.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchDatabase.StartAsync();
        _app = await BenchApps.StartKernelAsync(_database);
        await _database.ExecuteAsSuperuserAsync(
            $"""
            insert into bench.items (tenant_id, id, name)
            select t.id, gen_random_uuid(), 'item ' || g
              from unnest($1::uuid[]) as t(id) cross join generate_series(1, {ItemsPerTenant}) as g
            """,
            new[] { Tenant, OtherTenant });
        await _database.ExecuteAsSuperuserAsync(
            $"""
            create table bench.items_plain (like bench.items including all);
            insert into bench.items_plain select * from bench.items;
            grant select on bench.items_plain to {_database.RuntimeRole};
            analyze;
            """);

        var builder = new NpgsqlDataSourceBuilder(_database.RuntimeConnectionString);
        builder.ConnectionStringBuilder.ApplicationName = "Kernel.Benchmarks (raw)";
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        _raw = builder.Build();

        await using (var command = _raw.CreateCommand("select id, name from bench.items_plain where tenant_id = $1 order by name limit 1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Tenant });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            (_item, _expected) = (reader.GetGuid(0), reader.GetString(1));
        }

        foreach (var (name, read) in new (string, Func<Task<string?>>)[]
        {
            (nameof(Raw_NpgsqlDataSource), Raw_NpgsqlDataSource),
            (nameof(Kernel_ReadOnlyUnit_Linq2db), Kernel_ReadOnlyUnit_Linq2db),
            (nameof(Kernel_ReadOnlyUnit_Linq2dbCompiled), Kernel_ReadOnlyUnit_Linq2dbCompiled),
            (nameof(Kernel_ReadOnlyUnit_SqlApi), Kernel_ReadOnlyUnit_SqlApi),
            (nameof(Kernel_ReadOnlyUnit_Batch), Kernel_ReadOnlyUnit_Batch),
            (nameof(Kernel_TransactionUnit_Linq2db), Kernel_TransactionUnit_Linq2db),
        })
        {
            var value = await read();
            if (value != _expected)
            {
                throw new InvalidOperationException($"{name} read '{value}', expected '{_expected}'.");
            }
        }

        if (await ReadAsAsync(OtherTenant) is not null)
        {
            throw new InvalidOperationException("Another tenant's unit of work read the row: row-level security is not in force.");
        }
    }

    /// <summary>Stops the app and PostgreSQL.</summary>
    /// <returns>A task that completes when everything is stopped.</returns>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _raw.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>A raw command on a pooled data source, the tenant in the WHERE clause.</summary>
    /// <returns>The row's name.</returns>
    [Benchmark(Baseline = true)]
    public async Task<string?> Raw_NpgsqlDataSource()
    {
        await using var command = _raw.CreateCommand(RawSql);
        command.Parameters.Add(new NpgsqlParameter { Value = Tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = _item });
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>A GET route's unit of work: the context in band with a linq2db query, one round trip, no transaction.</summary>
    /// <returns>The row's name.</returns>
    [Benchmark]
    public async Task<string?> Kernel_ReadOnlyUnit_Linq2db()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: true);
        var db = await services.GetRequiredService<IUnitOfWork>().GetDbAsync();
        var id = _item;
        var name = await AsyncExtensions.FirstOrDefaultAsync(db.GetTable<ItemRow>().Where(i => i.Id == id).Select(i => i.Name));
        await services.GetRequiredService<UnitOfWork>().CommitAsync(CancellationToken.None);
        return name;
    }

    private static readonly Func<LinqToDB.Data.DataConnection, Guid, CancellationToken, Task<string?>> CompiledName = CompiledQuery.Compile(
        (LinqToDB.Data.DataConnection db, Guid id, CancellationToken cancellationToken) =>
            AsyncExtensions.FirstOrDefaultAsync(db.GetTable<ItemRow>().Where(i => i.Id == id).Select(i => i.Name), cancellationToken));

    /// <summary>The same read as <see cref="Kernel_ReadOnlyUnit_Linq2db"/> with a linq2db compiled query (no expression tree built or matched per call).</summary>
    /// <returns>The row's name.</returns>
    [Benchmark]
    public async Task<string?> Kernel_ReadOnlyUnit_Linq2dbCompiled()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: true);
        var db = await services.GetRequiredService<IUnitOfWork>().GetDbAsync();
        var name = await CompiledName(db, _item, CancellationToken.None);
        await services.GetRequiredService<UnitOfWork>().CommitAsync(CancellationToken.None);
        return name;
    }

    private const string SqlApiSql = "select tenant_id, id, name from bench.items where id = @id";

    /// <summary>
    /// The same read through the kernel's typed SQL path (<c>IUnitOfWork.QueryFirstOrDefaultAsync</c>: linq2db's SQL
    /// API, the row mapped to <see cref="ItemRow"/>), what the Requests addon's get-by-id uses.
    /// </summary>
    /// <returns>The row's name.</returns>
    [Benchmark]
    public async Task<string?> Kernel_ReadOnlyUnit_SqlApi()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: true);
        var row = await services.GetRequiredService<IUnitOfWork>().QueryFirstOrDefaultAsync<ItemRow>(
            SqlApiSql, CancellationToken.None, new LinqToDB.Data.DataParameter("id", _item, DataType.Guid));
        await services.GetRequiredService<UnitOfWork>().CommitAsync(CancellationToken.None);
        return row?.Name;
    }

    /// <summary>
    /// The linq2db unit's setup alone (scope, context, <c>GetDbAsync</c>: a pooled connection and the unit's
    /// <c>DataConnection</c>), no statement: splits <see cref="Kernel_ReadOnlyUnit_Linq2db"/> into setup and query.
    /// </summary>
    /// <returns>Null.</returns>
    [Benchmark]
    public async Task<string?> Kernel_ReadOnlyUnit_GetDbOnly()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: true);
        _ = await services.GetRequiredService<IUnitOfWork>().GetDbAsync();
        await services.GetRequiredService<UnitOfWork>().CommitAsync(CancellationToken.None);
        return null;
    }

    /// <summary>The same unit with the kernel's own statement path (a batch behind the context), without linq2db.</summary>
    /// <returns>The row's name.</returns>
    [Benchmark]
    public async Task<string?> Kernel_ReadOnlyUnit_Batch()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: true);
        var unit = services.GetRequiredService<UnitOfWork>();
        string? name;
        await using (var batch = await unit.CreateBatchAsync(CancellationToken.None))
        {
            batch.Add(KernelSql).Parameters.Add(new NpgsqlParameter { Value = _item });
            name = (string?)await batch.ExecuteScalarAsync();
        }

        await unit.CommitAsync(CancellationToken.None);
        return name;
    }

    /// <summary>A state-changing route's unit (a transaction) doing the same read: BEGIN and context in band, then COMMIT.</summary>
    /// <returns>The row's name.</returns>
    [Benchmark]
    public async Task<string?> Kernel_TransactionUnit_Linq2db()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(Context(), readOnly: false);
        var db = await services.GetRequiredService<IUnitOfWork>().GetDbAsync();
        var id = _item;
        var name = await AsyncExtensions.FirstOrDefaultAsync(db.GetTable<ItemRow>().Where(i => i.Id == id).Select(i => i.Name));
        await services.GetRequiredService<UnitOfWork>().CommitAsync(CancellationToken.None);
        return name;
    }

    private KernelContext Context() => new(Tenant, _actor, "bench-correlation", default);

    private async Task<string?> ReadAsAsync(Guid tenant)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<KernelContextAccessor>().Establish(BenchContexts.For(tenant, "bench-actor"), readOnly: true);
        var db = await services.GetRequiredService<IUnitOfWork>().GetDbAsync();
        var id = _item;
        return await AsyncExtensions.FirstOrDefaultAsync(db.GetTable<ItemRow>().Where(i => i.Id == id).Select(i => i.Name));
    }
}
