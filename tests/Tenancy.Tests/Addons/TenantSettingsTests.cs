using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Kernel;
using Kernel.Testing;

namespace Tenancy.Tests.Addons;

/// <summary>
/// <c>GET|PUT /api/settings/{addon}</c> and <see cref="ITenantSettings{TSettings}"/>: defaults, plan values, the
/// tenant's own, validation naming each member, If-Match, the audit entry's before and after, and a change reaching
/// another instance's cache within 2 s.
/// </summary>
public sealed class TenantSettingsTests : IAsyncLifetime
{
    private KernelTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private TenancyHost Host() => new(_database, TenantAddonTests.Plans(), TenantAddonTests.AddTestAddons);

    [Fact]
    public async Task An_admin_reads_defaults_and_plan_values_changes_its_own_and_handlers_see_the_change()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        using var admin = host.ClientAs(tenant, "ada", "admin");
        using var op = host.OperatorClient();
        await Http.ReadAsync(await op.PutAsJsonAsync($"/api/platform/tenants/{tenant}/plan", new { plan = "gold" }), HttpStatusCode.OK);

        var response = await admin.GetAsync("/api/settings/gadgets");
        var view = await Http.ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("\"0\"", response.Headers.ETag?.Tag);
        Assert.Equal(3, (int)view["settings"]!["maxGadgets"]!);
        Assert.Equal(500, (int)view["settings"]!["quota"]!);
        Assert.Equal("gold gadget", (string?)view["settings"]!["label"]);
        Assert.Empty(view["overrides"]!.AsObject());
        Assert.Equal(["quota"], view["planOnly"]!.AsArray().Select(x => (string?)x));

        var put = new HttpRequestMessage(HttpMethod.Put, "/api/settings/gadgets") { Content = JsonContent.Create(new { maxGadgets = 7, label = "mine" }) };
        put.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        var changed = await admin.SendAsync(put);
        var after = await Http.ReadAsync(changed, HttpStatusCode.OK);
        Assert.Equal("\"1\"", changed.Headers.ETag?.Tag);
        Assert.Equal(7, (int)after["settings"]!["maxGadgets"]!);
        Assert.Equal(500, (int)after["settings"]!["quota"]!);

        var seen = await Http.ReadAsync(await admin.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK);
        Assert.Equal(7, (int)seen["maxGadgets"]!);
        Assert.Equal("mine", (string?)seen["label"]);

        // A stale ETag is refused and changes nothing.
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/settings/gadgets") { Content = JsonContent.Create(new { maxGadgets = 2 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        await Http.AssertEnvelopeAsync(await admin.SendAsync(stale), HttpStatusCode.PreconditionFailed, KernelErrorCodes.PreconditionFailed);

        // null puts a member back to the plan's value.
        var reset = await Http.ReadAsync(await admin.PutAsync("/api/settings/gadgets", Json("""{"maxGadgets": 7, "label": null}""")), HttpStatusCode.OK);
        Assert.Equal("gold gadget", (string?)reset["settings"]!["label"]);

        // Audited in the tenant's own log, with the settings before and after.
        var audit = await Owner.ScalarAsTenantAsync<string>(
            _database, tenant, "select details::text from kernel.audit_log where action = 'kernel.settings.update' and outcome = 'success' order by id limit 1");
        var details = JsonNode.Parse(audit!)!;
        Assert.Equal(3, (int)details["before"]!["maxGadgets"]!);
        Assert.Equal(7, (int)details["after"]!["maxGadgets"]!);
    }

    [Fact]
    public async Task Invalid_unknown_and_plan_only_members_are_refused_by_name_and_nothing_is_stored()
    {
        await using var host = Host();
        var tenant = Guid.NewGuid();
        using var admin = host.ClientAs(tenant, "ada", "admin");
        using var op = host.OperatorClient();
        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);

        var unknown = await Http.AssertEnvelopeAsync(await admin.PutAsync("/api/settings/gadgets", Json("""{"colour": "red", "quota": 9000, "maxGadgets": 5}""")), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        Assert.NotNull(unknown["errors"]!["colour"]);
        Assert.NotNull(unknown["errors"]!["quota"]);
        Assert.Null(unknown["errors"]!["maxGadgets"]);

        var invalid = await Http.AssertEnvelopeAsync(await admin.PutAsync("/api/settings/gadgets", Json("""{"maxGadgets": 11, "label": ""}""")), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        Assert.NotNull(invalid["errors"]!["maxGadgets"]);
        Assert.NotNull(invalid["errors"]!["label"]);

        var wrongType = await Http.AssertEnvelopeAsync(await admin.PutAsync("/api/settings/gadgets", Json("""{"maxGadgets": "five"}""")), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        Assert.NotNull(wrongType["errors"]!["maxGadgets"]);

        await Http.AssertEnvelopeAsync(await admin.PutAsync("/api/settings/gadgets", Json("[1, 2]")), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        await Http.AssertEnvelopeAsync(await admin.PutAsync("/api/settings/gadgets", Json("null")), HttpStatusCode.BadRequest, KernelErrorCodes.ValidationFailed);
        Assert.Equal(0L, await Owner.ScalarAsTenantAsync<long>(_database, tenant, "select count(*) from kernel.tenant_settings"));
    }

    [Fact]
    public async Task Settings_need_the_permission_the_addon_and_an_addon_that_has_settings()
    {
        await using var host = Host();
        var (tenant, without) = (Guid.NewGuid(), Guid.NewGuid());
        using var member = host.ClientAs(tenant, "mo", "member");
        using var admin = host.ClientAs(tenant, "ada", "admin");
        using var adminWithout = host.ClientAs(without, "bo", "admin");
        using var op = host.OperatorClient();
        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);

        await Http.AssertEnvelopeAsync(await member.GetAsync("/api/settings/gadgets"), HttpStatusCode.Forbidden, KernelErrorCodes.Forbidden);
        await Http.AssertEnvelopeAsync(await member.PutAsync("/api/settings/gadgets", Json("""{"maxGadgets": 5}""")), HttpStatusCode.Forbidden, KernelErrorCodes.Forbidden);
        await Http.AssertEnvelopeAsync(await adminWithout.GetAsync("/api/settings/gadgets"), HttpStatusCode.Forbidden, KernelErrorCodes.AddonNotEnabled);
        await Http.AssertEnvelopeAsync(await admin.GetAsync("/api/settings/requests"), HttpStatusCode.NotFound, KernelErrorCodes.NotFound);
        await Http.AssertEnvelopeAsync(await admin.GetAsync("/api/settings/no-such-addon"), HttpStatusCode.NotFound, KernelErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_change_through_one_instance_reaches_the_other_instances_cache_within_2_s()
    {
        await using var first = Host();
        await using var second = Host();
        var tenant = Guid.NewGuid();
        using var admin = first.ClientAs(tenant, "ada", "admin");
        using var onSecond = second.ClientAs(tenant, "ada", "admin");
        using var op = first.OperatorClient();
        await Http.ReadAsync(await op.PutAsync($"/api/platform/tenants/{tenant}/addons/gadgets", null), HttpStatusCode.OK);

        // The second instance caches the defaults.
        Assert.Equal(3, (int)(await Http.ReadAsync(await onSecond.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK))["maxGadgets"]!);
        Assert.Equal(3, (int)(await Http.ReadAsync(await onSecond.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK))["maxGadgets"]!);

        await Http.ReadAsync(await admin.PutAsync("/api/settings/gadgets", Json("""{"maxGadgets": 9}""")), HttpStatusCode.OK);
        await Eventually.HoldsAsync(
            async () => (int)(await Http.ReadAsync(await onSecond.GetAsync("/api/gadgets/settings"), HttpStatusCode.OK))["maxGadgets"]! == 9,
            TimeSpan.FromSeconds(2),
            "the second instance saw the new value");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
