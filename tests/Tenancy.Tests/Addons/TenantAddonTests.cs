using System.Net;
using System.Net.Http.Json;
using System.Text;
using Kernel;
using Kernel.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Tenancy.Tests.Addons;

/// <summary>
/// Optional addons switched on per tenant (by plan or by an operator), their routes and jobs held back where they are
/// off, the hooks, <c>GET /api/tenant</c>, and plans' rate-limit budgets, on the sample host with two optional test
/// addons (gadgets, and gizmos which needs gadgets) on a real PostgreSQL.
/// </summary>
public sealed class TenantAddonTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    internal static Dictionary<string, string?> Plans(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kernel:Tenancy:Plans:basic:RateLimits:Default:TenantPermits"] = "3",
            ["Kernel:Tenancy:Plans:basic:RateLimits:Default:ActorPermits"] = "3",
            ["Kernel:Tenancy:Plans:gold:Addons:0"] = GadgetsAddon.Name,
            ["Kernel:Tenancy:Plans:gold:Settings:gadgets:Quota"] = "500",
            ["Kernel:Tenancy:Plans:gold:Settings:gadgets:Label"] = "gold gadget",
            ["Kernel:Tenancy:Plans:gold:RateLimits:Default:TenantPermits"] = "1000",
            ["Kernel:Tenancy:Plans:gold:RateLimits:Default:ActorPermits"] = "1000",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    internal static void AddTestAddons(IServiceCollection services, IConfiguration configuration) =>
        services.AddKernel(configuration).AddAddon<GadgetsAddon>().AddAddon<GizmosAddon>();

    internal TenancyHost Host(params (string Key, string? Value)[] more) => new(_database, Plans(more), AddTestAddons);

    [Fact]
    public async Task An_optional_addons_routes_answer_ADDON_NOT_ENABLED_for_a_tenant_without_it_only_and_before_binding()
    {
        await using var host = Host();
        var (without, with) = (Guid.NewGuid(), Guid.NewGuid());
        using var a = host.ClientAs(without, "alice", "member");
        using var b = host.ClientAs(with, "bob", "member");
        using var op = host.OperatorClient();
        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{with}/addons/gadgets", null), HttpStatusCode.OK);

        await Http.AssertEnvelopeAsync(await a.GetAsync("/api/gadgets/settings"), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
        await Http.ReadAsync(await b.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK);

        // A body that would fail binding is never read: the addon check comes first.
        var malformed = new StringContent("{ not json", Encoding.UTF8, "application/json");
        await Http.AssertEnvelopeAsync(await a.PostAsync("/api/gadgets/pings", malformed), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);

        // Switched off again: the tenant that had it is refused too (its cached entry was evicted on commit).
        await Http.ReadAsync(await op.DeleteAsync($"/api/platform/tenants/{with}/addons/gadgets"), HttpStatusCode.OK);
        await Http.AssertEnvelopeAsync(await b.GetAsync("/api/gadgets/settings"), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);

        // Non-optional addons are on for everyone.
        await Http.ReadAsync(await a.PostAsJsonAsync("/api/requests", new { title = "still here" }), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Switches_check_the_addon_and_the_dependency_chain_and_are_audited()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        _database.RegisterTenant(tenant);
        using var op = host.OperatorClient("op-1");

        await Http.AssertEnvelopeAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/no-such-addon", null), HttpStatusCode.NotFound, KernelErrorCodes.NotFound);
        await Http.AssertEnvelopeAsync(await op.PutAsync($"/api/platform/tenants/{Guid.NewGuid()}/addons/gadgets", null), HttpStatusCode.NotFound, KernelErrorCodes.NotFound);
        var notOptional = await Http.AssertEnvelopeAsync(await op.DeleteAsync($"/api/platform/tenants/{tenant}/addons/requests"), HttpStatusCode.Conflict, KernelErrorCodes.Conflict);
        Assert.Contains("not optional", (string?)notOptional["detail"]);

        var missing = await Http.AssertEnvelopeAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gizmos", null), HttpStatusCode.Conflict, KernelErrorCodes.Conflict);
        Assert.Contains("gizmos -> gadgets", (string?)missing["detail"]);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.tenant_addons where tenant = $1", tenant));

        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);
        var both = await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gizmos", null), HttpStatusCode.OK);
        Assert.Contains("gadgets", both["addons"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("gizmos", both["addons"]!.AsArray().Select(a => (string?)a));

        var dependents = await Http.AssertEnvelopeAsync(await op.DeleteAsync($"/api/platform/tenants/{tenant}/addons/gadgets"), HttpStatusCode.Conflict, KernelErrorCodes.Conflict);
        Assert.Contains("gizmos", (string?)dependents["detail"]);

        var audited = await Owner.RowsAsync(
            _database,
            "select action, details->>'addon' from kernel.platform_audit where target_tenant = $1 and outcome = 'success' order by id",
            tenant);
        Assert.Equal([["kernel.tenants.addons.enable", "gadgets"], ["kernel.tenants.addons.enable", "gizmos"]], audited.Select(r => r.Select(v => (string?)v).ToArray()).ToArray());
    }

    [Fact]
    public async Task Hooks_run_in_the_tenants_context_and_a_failing_hook_undoes_the_switch()
    {
        await using var host = Host();
        var (tenant, doomed) = (Guid.NewGuid(), Guid.NewGuid());
        _database.RegisterTenant(tenant);
        _database.RegisterTenant(doomed);
        using var op = host.OperatorClient();

        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);
        Assert.Equal(tenant.ToString(), GadgetsAddon.Hooks[("enabled", tenant)]);
        await Http.ReadAsync(await op.DeleteAsync($"/api/platform/tenants/{tenant}/addons/gadgets"), HttpStatusCode.OK);
        Assert.Equal(tenant.ToString(), GadgetsAddon.Hooks[("disabled", tenant)]);

        GadgetsAddon.FailEnabling[doomed] = true;
        await Http.AssertEnvelopeAsync(await op.PutAsync($"/api/platform/tenants/{doomed}/addons/gadgets", null), HttpStatusCode.InternalServerError, KernelErrorCodes.InternalError);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.tenant_addons where tenant = $1", doomed));
        var view = await Http.ReadAsync(await op.GetAsync($"/api/platform/tenants/{doomed}"), HttpStatusCode.OK);
        Assert.DoesNotContain("gadgets", view["addons"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public async Task A_plan_switches_its_addons_on_and_the_tenant_sees_its_plan_and_addons()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        using var member = host.ClientAs(tenant, "alice", "member");
        using var op = host.OperatorClient();

        var before = await Http.ReadAsync(await member.GetAsync("/api/tenant"), HttpStatusCode.OK);
        Assert.Null((string?)before["plan"]);
        Assert.DoesNotContain("gadgets", before["addons"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("requests", before["addons"]!.AsArray().Select(a => (string?)a));

        await Http.AssertEnvelopeAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { plan = "platinum" }), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        await Http.AssertEnvelopeAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { }), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        await Http.ReadAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { plan = "gold" }), HttpStatusCode.OK);
        Assert.Equal(tenant.ToString(), GadgetsAddon.Hooks[("enabled", tenant)]);

        var after = await Http.ReadAsync(await member.GetAsync("/api/tenant"), HttpStatusCode.OK);
        Assert.Equal("gold", (string?)after["plan"]);
        Assert.Equal(tenant, Guid.Parse((string)after["id"]!));
        Assert.Equal("active", (string?)after["status"]);
        Assert.Contains("gadgets", after["addons"]!.AsArray().Select(a => (string?)a));
        var settings = await Http.ReadAsync(await member.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK);
        Assert.Equal(500, (int)settings["quota"]!);
        Assert.Equal("gold gadget", (string?)settings["label"]);

        // An operator's override beats the plan: off for this tenant although gold has it.
        await Http.ReadAsync(await op.DeleteAsync($"/api/platform/tenants/{tenant}/addons/gadgets"), HttpStatusCode.OK);
        await Http.AssertEnvelopeAsync(await member.GetAsync("/api/gadgets/settings"), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
    }

    [Fact]
    public async Task Enqueueing_for_a_tenant_without_the_addon_is_refused_and_queued_jobs_wait_until_it_is_on_again()
    {
        // A web-only instance enqueues; the worker starts only once the addon is off, so nothing claimed the job before.
        await using var web = Host(("Kernel:Jobs:WorkerEnabled", "false"));
        var (tenant, other) = (Guid.NewGuid(), Guid.NewGuid());
        using var member = web.ClientAs(tenant, "alice", "member");
        using var otherMember = web.ClientAs(other, "bob", "member");
        using var op = web.OperatorClient();
        await Http.AssertEnvelopeAsync(await member.PostAsJsonAsync("/api/gadgets/pings", new { note = "too early" }), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
        Assert.Equal(0L, await Owner.ScalarAsync<long>(_database, "select count(*) from kernel.jobs where tenant_id = $1", tenant));

        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);
        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{other}/addons/gadgets", null), HttpStatusCode.OK);
        var held = await PingAsync(member);
        await Http.ReadAsync(await op.DeleteAsync($"/api/platform/tenants/{tenant}/addons/gadgets"), HttpStatusCode.OK);

        await using var worker = Host();
        _ = worker.Server;

        // The held job is older, so due first: the worker running a later job of another tenant passed it over.
        var control = await PingAsync(otherMember);
        await Eventually.HoldsAsync(() => Task.FromResult(GadgetsAddon.Ran.ContainsKey(control)), TimeSpan.FromSeconds(30), "the other tenant's ping ran");
        Assert.Equal(("queued", 0), await Owner.JobAsync(_database, held));
        Assert.False(GadgetsAddon.Ran.ContainsKey(held));

        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);
        await Eventually.HoldsAsync(() => Task.FromResult(GadgetsAddon.Ran.ContainsKey(held)), TimeSpan.FromSeconds(30), "the held ping ran after the addon was switched back on");
        Assert.Equal(tenant, GadgetsAddon.Ran[held]);
        await Eventually.HoldsAsync(async () => await Owner.JobAsync(_database, held) == ("succeeded", 1), TimeSpan.FromSeconds(10), "the held ping succeeded on its first attempt");
    }

    [Fact]
    public async Task A_plans_budget_replaces_the_configured_one_and_a_plan_change_reaches_another_instance_within_2_s()
    {
        (string, string?)[] limited = [("Kernel:RateLimiting:Enabled", "true")];
        await using var first = Host(limited);
        await using var second = Host(limited);
        var tenant = Guid.NewGuid();
        using var op = first.OperatorClient();
        using var onSecond = second.ClientAs(tenant, "alice", "member");
        await Http.ReadAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { plan = "basic" }), HttpStatusCode.OK);

        // basic: 3 requests a minute.
        for (var i = 0; i < 3; i++)
        {
            await Http.ReadAsync(await onSecond.GetAsync("/api/tenant"), HttpStatusCode.OK);
        }

        await Http.AssertEnvelopeAsync(await onSecond.GetAsync("/api/tenant"), HttpStatusCode.TooManyRequests, KernelErrorCodes.RateLimited);

        // gold, set through the other instance: this one learns of it by NOTIFY and takes gold's budget.
        await Http.ReadAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { plan = "gold" }), HttpStatusCode.OK);
        await Eventually.HoldsAsync(
            async () => (await onSecond.GetAsync("/api/tenant")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(2),
            "the second instance used the gold plan's budget");
        for (var i = 0; i < 10; i++)
        {
            await Http.ReadAsync(await onSecond.GetAsync("/api/tenant"), HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Plans_that_name_unknown_or_non_optional_addons_or_bad_settings_stop_the_host_at_start()
    {
        (string Key, string? Value)[][] bad =
        [
            [("Kernel:Tenancy:Plans:broken:Addons:0", "no-such-addon")],
            [("Kernel:Tenancy:Plans:broken:Addons:0", "requests")],
            [("Kernel:Tenancy:Plans:broken:Addons:0", "gizmos")], // Without gadgets.
            [("Kernel:Tenancy:Plans:broken:Settings:gadgets:MaxGadgets", "99")],
            [("Kernel:Tenancy:Plans:broken:Settings:gadgets:Colour", "red")],
            [("Kernel:Tenancy:Plans:broken:RateLimits:nonexistent:TenantPermits", "5")],
            [("Kernel:Tenancy:DefaultPlan", "nonexistent")],
        ];
        foreach (var settings in bad)
        {
            await using var host = Host(settings);
            var failure = Record.Exception(() => host.Server);
            Assert.True(failure is not null, $"{settings[0]} was accepted");
            Assert.Contains(settings[0].Key.Contains("DefaultPlan", StringComparison.Ordinal) ? "DefaultPlan" : "broken", failure.ToString());
        }
    }

    private static async Task<Guid> PingAsync(HttpClient client)
    {
        var accepted = await Http.ReadAsync(await client.PostAsJsonAsync("/api/gadgets/pings", new { note = "ping" }), HttpStatusCode.Accepted);
        return Guid.Parse((string)accepted["jobId"]!);
    }
}
