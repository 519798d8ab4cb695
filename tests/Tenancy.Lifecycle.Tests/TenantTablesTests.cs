using Kernel.Testing;
using Kernel.Tenants.Lifecycle;
using Npgsql;

namespace Tenancy.Lifecycle.Tests;

/// <summary>The catalog, and the start-up check that refuses tenant tables whose rows could escape erasure.</summary>
public sealed class TenantTablesTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await Db.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_catalog_lists_every_table_with_tenant_id_parents_first_with_columns_and_keys()
    {
        var tables = await LoadAsync();

        var names = tables.ParentsFirst.Select(t => t.DisplayName).ToList();
        Assert.Equal(
            ["kernel.audit_log", "kernel.jobs", "kernel.role_grants", "kernel.tenant_settings", "lt.a", "lt.b", "lt.c", "lt.loose"],
            names.Order(StringComparer.Ordinal));
        Assert.True(names.IndexOf("lt.a") < names.IndexOf("lt.b") && names.IndexOf("lt.b") < names.IndexOf("lt.c"));
        Assert.Equal(tables.ParentsFirst.Reverse().Select(t => t.DisplayName), tables.ChildrenFirst.Select(t => t.DisplayName));

        var a = tables.Find("lt", "a")!;
        Assert.Equal(["tenant_id", "id"], a.PrimaryKey);
        Assert.True(a.Columns.Single(c => c.Name == "id").IdentityAlways);
        Assert.NotNull(a.Columns.Single(c => c.Name == "id").Sequence);
        Assert.True(tables.Find("lt", "c")!.Columns.Single(c => c.Name == "doubled").Generated);
        Assert.Empty(tables.Find("lt", "loose")!.PrimaryKey);
        Assert.Contains(tables.ForeignKeys, k => k.Child == "lt.c" && k.Parent == "lt.b");

        // Platform tables without tenant_id are not tenant data.
        Assert.Null(tables.Find("kernel", "tenants"));
        Assert.Null(tables.Find("kernel", "tenant_erasures"));
        Assert.Null(tables.Find("kernel", "platform_audit"));
    }

    [Fact]
    public async Task The_start_up_check_passes_the_kernel_and_an_addon_shaped_as_documented()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.RuntimeConnectionString);

        await TenantTables.CheckErasableAsync(dataSource, CancellationToken.None); // As the runtime role: the catalog is readable by all.
    }

    [Fact]
    public async Task The_start_up_check_refuses_a_foreign_key_cycle_among_tenant_tables()
    {
        await ArrangeAsync(
            """
            create table lt.x (tenant_id uuid not null, id int not null, y_id int, primary key (tenant_id, id));
            create table lt.y (tenant_id uuid not null, id int not null, x_id int, primary key (tenant_id, id),
                               constraint y_to_x foreign key (tenant_id, x_id) references lt.x (tenant_id, id));
            alter table lt.x add constraint x_to_y foreign key (tenant_id, y_id) references lt.y (tenant_id, id);
            """,
            "lt.x",
            "lt.y");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(CheckAsync);

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
        Assert.Contains("lt.x → lt.y → lt.x", error.Message, StringComparison.Ordinal);
        Assert.Contains("x_to_y", error.Message, StringComparison.Ordinal);
        Assert.Contains("Drop one of these foreign keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_check_refuses_a_table_that_references_itself()
    {
        await ArrangeAsync(
            """
            create table lt.tree (tenant_id uuid not null, id int not null, parent int, primary key (tenant_id, id),
                                  constraint tree_parent foreign key (tenant_id, parent) references lt.tree (tenant_id, id));
            """,
            "lt.tree");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(CheckAsync);

        Assert.Contains("lt.tree → lt.tree", error.Message, StringComparison.Ordinal);
        Assert.Contains("link table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_check_refuses_a_foreign_key_from_a_table_without_tenant_id_into_a_tenant_table()
    {
        await ArrangeAsync(
            "create table lt.shared_index (id int primary key, a_tenant uuid, a_id bigint, constraint index_to_a foreign key (a_tenant, a_id) references lt.a (tenant_id, id));");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(CheckAsync);

        Assert.Contains("lt.shared_index has no tenant_id column", error.Message, StringComparison.Ordinal);
        Assert.Contains("index_to_a", error.Message, StringComparison.Ordinal);
        Assert.Contains("lt.a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_check_refuses_a_foreign_key_between_tenant_tables_that_does_not_pair_tenant_id()
    {
        await ArrangeAsync(
            """
            create table lt.parent (tenant_id uuid not null, id int not null unique, primary key (tenant_id, id));
            create table lt.child (tenant_id uuid not null, id int not null, parent_id int references lt.parent (id), primary key (tenant_id, id));
            """,
            "lt.parent",
            "lt.child");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(CheckAsync);

        Assert.Contains("lt.child references lt.parent without pairing tenant_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_up_check_refuses_a_tenant_table_whose_policies_never_let_the_owner_delete()
    {
        await ArrangeAsync(
            """
            create table lt.append_only (tenant_id uuid not null, id int not null, primary key (tenant_id, id));
            alter table lt.append_only enable row level security;
            alter table lt.append_only force row level security;
            create policy reads on lt.append_only for select using (tenant_id = kernel.current_tenant_id());
            create policy appends on lt.append_only for insert with check (tenant_id = kernel.current_tenant_id());
            """);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(CheckAsync);

        Assert.Contains("lt.append_only lets its owner delete rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("for delete to", error.Message, StringComparison.Ordinal);
    }

    private async Task<TenantTables> LoadAsync()
    {
        await using var connection = new NpgsqlConnection(_database.OwnerConnectionString);
        await connection.OpenAsync();
        return await TenantTables.LoadAsync(connection, CancellationToken.None);
    }

    private async Task CheckAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_database.RuntimeConnectionString);
        await TenantTables.CheckErasableAsync(dataSource, CancellationToken.None);
    }

    /// <summary>Runs <paramref name="ddl"/> as the owner, and puts <paramref name="isolated"/> under forced RLS with the usual policy, so only the problem under test remains.</summary>
    private async Task ArrangeAsync(string ddl, params string[] isolated)
    {
        var sql = ddl + string.Concat(isolated.Select(t =>
            $"alter table {t} enable row level security; alter table {t} force row level security; " +
            $"create policy tenant_isolation on {t} using (tenant_id = kernel.current_tenant_id()) with check (tenant_id = kernel.current_tenant_id());"));
        await Db.ExecuteAsync(_database.OwnerConnectionString, sql);
    }
}
