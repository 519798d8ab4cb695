using Kernel.Data;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Kernel.Tests.Data;

/// <summary>The unit of work's typed SQL reads (<see cref="UnitOfWorkSqlExtensions"/>) run under the unit's tenant, like its LINQ.</summary>
public sealed class UnitOfWorkSqlTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task Typed_sql_reads_see_only_the_units_tenant_in_both_modes()
    {
        await using var dataSource = KernelDataSource.Create(fixture.Database.RuntimeConnectionString, "sql-test");
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var (a1, a2, b1) = (await InsertAsync(dataSource, a, "a-1"), await InsertAsync(dataSource, a, "a-2"), await InsertAsync(dataSource, b, "b-1"));

        foreach (var readOnly in new[] { true, false })
        {
            await using var unit = new UnitOfWork(dataSource, TestContexts.Accessor(a)) { ReadOnly = readOnly };
            var rows = await unit.QueryAsync<WidgetName>(
                "select id, name from widgets.widgets where id = any(@ids) order by name", CancellationToken.None,
                new DataParameter("ids", new[] { a1, a2, b1 }));
            Assert.Equal([(a1, "a-1"), (a2, "a-2")], rows.Select(r => (r.Id, r.Name)));

            // A second statement in the same unit carries the context too (read-only: every statement does).
            Assert.Equal("a-1", (await unit.QueryFirstOrDefaultAsync<WidgetName>(
                "select id, name from widgets.widgets where id = @id", CancellationToken.None, new DataParameter("id", a1, DataType.Guid)))?.Name);
            Assert.Null(await unit.QueryFirstOrDefaultAsync<WidgetName>(
                "select id, name from widgets.widgets where id = @id", CancellationToken.None, new DataParameter("id", b1, DataType.Guid)));
            Assert.Equal(a.ToString(), await unit.QueryFirstOrDefaultAsync<string>("select current_setting('app.tenant_id')", CancellationToken.None));
        }
    }

    private static async Task<Guid> InsertAsync(KernelDataSource dataSource, Guid tenant, string name)
    {
        var id = Guid.NewGuid();
        await using var unit = new UnitOfWork(dataSource, TestContexts.Accessor(tenant));
        var db = await unit.GetDbAsync();
        await db.ExecuteAsync("insert into widgets.widgets (id, name) values (@id, @name)", new DataParameter("id", id), new DataParameter("name", name));
        await unit.CommitAsync(CancellationToken.None);
        return id;
    }

    private sealed class WidgetName
    {
        [Column("id")]
        public Guid Id { get; set; }

        [Column("name")]
        public string Name { get; set; } = "";
    }
}
