using Kernel.Data;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using LinqToDB.Data;
using Npgsql;

namespace Kernel.Tests.Data;

/// <summary>
/// A unit whose handler sent nothing commits its final batch (a job's audit entry and completion, a route's audit
/// entry) without BEGIN/COMMIT, as one implicit transaction: these pin that it is still all or nothing, and in the
/// unit's tenant.
/// </summary>
public sealed class UnitOfWorkFinalBatchTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task A_final_batch_of_an_unopened_unit_commits_in_the_units_tenant()
    {
        var tenant = Guid.NewGuid();
        await using var dataSource = KernelDataSource.Create(fixture.Database.RuntimeConnectionString, "final-batch-test");
        await using (var unit = new UnitOfWork(dataSource, TestContexts.Accessor(tenant)) { ReadOnly = false })
        {
            await using var batch = await unit.CreateFinalBatchAsync(CancellationToken.None);
            batch.Add("insert into widgets.widgets (id, name) values ($1, 'final')").Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            await unit.CommitWithAsync(batch, CancellationToken.None);
        }

        Assert.Equal(1, await CountAsync(tenant));
        Assert.Equal(0, await CountAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_failing_statement_in_a_final_batch_rolls_back_the_statements_before_it()
    {
        var tenant = Guid.NewGuid();
        await using var dataSource = KernelDataSource.Create(fixture.Database.RuntimeConnectionString, "final-batch-test");
        await using (var unit = new UnitOfWork(dataSource, TestContexts.Accessor(tenant)) { ReadOnly = false })
        {
            await using var batch = await unit.CreateFinalBatchAsync(CancellationToken.None);
            batch.Add("insert into widgets.widgets (id, name) values ($1, 'doomed')").Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
            batch.Add("select 1 / 0"); // As kernel.finish_job raises on a lost lease.
            await Assert.ThrowsAsync<PostgresException>(() => unit.CommitWithAsync(batch, CancellationToken.None));
        }

        Assert.Equal(0, await CountAsync(tenant));
    }

    private Task<int> CountAsync(Guid tenant) =>
        fixture.Database.AsTenantAsync(tenant, "checker", db => db.ExecuteAsync<int>("select count(*)::int from widgets.widgets"));
}
