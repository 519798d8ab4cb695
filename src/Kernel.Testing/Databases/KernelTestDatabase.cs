using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Kernel.Addons;
using Kernel.Data;
using Kernel.Hosting;
using Kernel.Migrations;
using LinqToDB.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kernel.Testing;

/// <summary>
/// A throwaway database with the kernel's and the given addons' migrations applied, on the process's private
/// PostgreSQL cluster. Creating one is fast: the migrated schema is built once per addon set as a template
/// database and cloned (<c>CREATE DATABASE … TEMPLATE …</c>).
/// </summary>
public sealed class KernelTestDatabase : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Templates = new(StringComparer.Ordinal);

    private readonly LocalPostgresCluster _cluster;
    private readonly KernelDataSource _runtime;

    private KernelTestDatabase(LocalPostgresCluster cluster, string name)
    {
        _cluster = cluster;
        Name = name;
        _runtime = KernelDataSource.Create(RuntimeConnectionString, "Kernel.Testing");
    }

    /// <summary>The database name.</summary>
    public string Name { get; }

    /// <summary>Connection string of the runtime role (subject to row-level security).</summary>
    public string RuntimeConnectionString => _cluster.RuntimeConnectionStringFor(Name);

    /// <summary>Connection string of the owner role (runs migrations; use it to inspect or arrange data across tenants).</summary>
    public string OwnerConnectionString => _cluster.OwnerConnectionStringFor(Name);

    /// <summary>Creates a migrated database for the kernel and <paramref name="addons"/>.</summary>
    /// <param name="addons">The addons whose migrations to apply, in any order.</param>
    /// <returns>The database; dispose it to drop it.</returns>
    public static async Task<KernelTestDatabase> CreateAsync(params IAddon[] addons) =>
        await CreateAsync(await SharedPostgres.GetAsync().ConfigureAwait(false), addons).ConfigureAwait(false);

    /// <summary>Creates a migrated database for the kernel and <paramref name="addons"/> on <paramref name="cluster"/>.</summary>
    /// <param name="cluster">The cluster to create it on (for tests that stop or break their own cluster).</param>
    /// <param name="addons">The addons whose migrations to apply, in any order.</param>
    /// <returns>The database; dispose it to drop it.</returns>
    public static async Task<KernelTestDatabase> CreateAsync(LocalPostgresCluster cluster, params IAddon[] addons)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var registry = new AddonRegistry(new KernelAddon());
        foreach (var addon in addons)
        {
            registry.Add(addon);
        }

        var migrations = new MigrationSet(registry).All;
        var key = cluster.Port + "|" + string.Join(";", migrations.Select(m => $"{m.Addon}/{m.Name}/{m.Checksum}"));
        var template = await Templates.GetOrAdd(key, _ => new Lazy<Task<string>>(() => CreateTemplateAsync(cluster, key, migrations))).Value.ConfigureAwait(false);
        var name = "t_" + Guid.NewGuid().ToString("N");
        await cluster.CreateDatabaseAsync(name, template).ConfigureAwait(false);
        return new KernelTestDatabase(cluster, name);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a kernel unit of work as <paramref name="tenantId"/> and
    /// <paramref name="actorId"/>: the same connection setup routes and jobs get, so row-level security applies.
    /// Commits when <paramref name="work"/> returns.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for none (which must see no tenant rows).</param>
    /// <param name="actorId">The actor id.</param>
    /// <param name="work">The work, given the unit's linq2db connection.</param>
    /// <returns>What <paramref name="work"/> returned.</returns>
    public Task<T> AsTenantAsync<T>(Guid? tenantId, string actorId, Func<DataConnection, Task<T>> work) =>
        AsTenantAsync(tenantId, actorId, async (unitOfWork, _) =>
        {
            var db = await unitOfWork.GetDbAsync().ConfigureAwait(false);

            // The kernel sends the context with the unit's first statement; tests may go straight to the raw
            // connection behind db, so send it now.
            await ((UnitOfWork)unitOfWork).EstablishAsync(CancellationToken.None).ConfigureAwait(false);
            return await work(db).ConfigureAwait(false);
        });

    /// <summary>
    /// Runs <paramref name="work"/> with the unit of work and context an addon's services get inside a route or
    /// job for <paramref name="tenantId"/> and <paramref name="actorId"/> — to test a store or service directly.
    /// Commits when <paramref name="work"/> returns.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for none.</param>
    /// <param name="actorId">The actor id.</param>
    /// <param name="work">The work, given the unit of work and the context accessor.</param>
    /// <returns>What <paramref name="work"/> returned.</returns>
    public async Task<T> AsTenantAsync<T>(Guid? tenantId, string actorId, Func<IUnitOfWork, IKernelContextAccessor, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var accessor = new KernelContextAccessor();
        accessor.Establish(new KernelContext(
            tenantId,
            new KernelActor(actorId, new HashSet<string>(StringComparer.Ordinal)),
            Guid.NewGuid().ToString("N"),
            Activity.Current?.Context ?? default));
        await using var unitOfWork = new UnitOfWork(_runtime, accessor);
        var result = await work(unitOfWork, accessor).ConfigureAwait(false);
        await unitOfWork.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Registers an active tenant in the kernel's registry (<c>kernel.tenants</c>), as the operator API would, so
    /// requests and jobs may act for it. Registering an id again is harmless.
    /// </summary>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="slug">Its slug; the default is <c>t-</c> and the id's 32 hex digits.</param>
    /// <param name="externalIds">The identity provider's organization ids that name it.</param>
    /// <returns>The tenant id.</returns>
    public Guid RegisterTenant(Guid tenantId, string? slug = null, params string[] externalIds)
    {
        using var connection = new NpgsqlConnection(OwnerConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(RegisterSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = slug ?? "t-" + tenantId.ToString("N") });
        command.Parameters.Add(new NpgsqlParameter { Value = externalIds });
        command.ExecuteNonQuery();
        return tenantId;
    }

    /// <summary>
    /// Switches the optional addon <paramref name="addon"/> on for <paramref name="tenantId"/>, as an operator's
    /// <c>PUT /api/platform/tenants/{id}/addons/{addon}</c> would record it (an override in <c>kernel.tenant_addons</c>,
    /// whatever the tenant's plan says), registering the tenant first if it is not there yet. The addon's
    /// <c>OnEnabledAsync</c> hook does not run; a running app hears of the change through the registry's notification.
    /// Switching it on again is harmless.
    /// </summary>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="addon">The addon's manifest name, e.g. <c>requests-reminders</c>.</param>
    /// <returns>The tenant id.</returns>
    public Guid EnableAddon(Guid tenantId, string addon)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(addon);
        RegisterTenant(tenantId);
        Execute(
            """
            insert into kernel.tenant_addons (tenant, addon, enabled, updated_at) values ($1, $2, true, clock_timestamp())
            on conflict (tenant, addon) do update set enabled = true, updated_at = clock_timestamp()
            """,
            tenantId,
            addon);
        return tenantId;
    }

    /// <summary>
    /// Puts <paramref name="tenantId"/> on <paramref name="plan"/> (one of <c>Kernel:Tenancy:Plans</c>), or on none, as an
    /// operator's <c>PUT /api/platform/tenants/{id}/plan</c> would record it, registering the tenant first if it is not
    /// there yet. No hook runs and the plan name is not checked against the app's configuration.
    /// </summary>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="plan">The plan name, or <see langword="null"/> for no plan.</param>
    /// <returns>The tenant id.</returns>
    public Guid SetPlan(Guid tenantId, string? plan)
    {
        RegisterTenant(tenantId);
        Execute("update kernel.tenants set plan = $2, updated_at = clock_timestamp(), version = version + 1 where id = $1", tenantId, (object?)plan ?? DBNull.Value);
        return tenantId;
    }

    private void Execute(string sql, params object[] parameters)
    {
        using var connection = new NpgsqlConnection(OwnerConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        command.ExecuteNonQuery();
    }

    private const string RegisterSql =
        """
        with tenant as (
            insert into kernel.tenants (id, slug, name) values ($1, $2, $2) on conflict (id) do nothing returning id
        )
        insert into kernel.tenant_external_ids (external_id, tenant)
        select x, $1 from unnest($3::text[]) as x on conflict (external_id) do nothing
        """;

    /// <summary>Drops the database.</summary>
    /// <returns>A task that completes when the database is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await _runtime.DisposeAsync().ConfigureAwait(false);
        await _cluster.DropDatabaseAsync(Name).ConfigureAwait(false);
    }

    private static async Task<string> CreateTemplateAsync(LocalPostgresCluster cluster, string key, IReadOnlyList<AddonMigration> migrations)
    {
        var name = "tpl_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        await cluster.CreateDatabaseAsync(name).ConfigureAwait(false);
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance)
            .MigrateAsync(cluster.OwnerConnectionStringFor(name), cluster.RuntimeRole, migrations, CancellationToken.None)
            .ConfigureAwait(false);
        using (var pooled = new NpgsqlConnection(cluster.OwnerConnectionStringFor(name)))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await cluster.MarkAsTemplateAsync(name).ConfigureAwait(false);
        return name;
    }
}
