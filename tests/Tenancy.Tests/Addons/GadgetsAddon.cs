using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Kernel;
using LinqToDB;
using Microsoft.AspNetCore.Http;

namespace Tenancy.Tests.Addons;

/// <summary>
/// An optional test addon: a route that reads its settings, one that enqueues its job, one with a body; hooks that
/// record the tenant context they ran in. Its assembly embeds no migrations, so it has none.
/// </summary>
public sealed class GadgetsAddon : IAddon
{
    public const string Name = "gadgets";

    public static readonly JobDefinition<GadgetPing> Ping = JobDefinition.ForTenant<GadgetPing, GadgetPingJob>("gadgets.ping");

    /// <summary>Job id → tenant, for every ping that ran.</summary>
    public static readonly ConcurrentDictionary<Guid, Guid?> Ran = new();

    /// <summary>(hook, tenant) → the tenant id the hook's unit of work had as its context.</summary>
    public static readonly ConcurrentDictionary<(string Hook, Guid Tenant), string?> Hooks = new();

    /// <summary>Tenants whose enable hook throws.</summary>
    public static readonly ConcurrentDictionary<Guid, bool> FailEnabling = new();

    public AddonManifest Manifest { get; } = new()
    {
        Name = Name,
        Version = "1.0.0",
        Summary = "Gadgets: an optional test addon.",
        Optional = true,
        Settings = AddonSettings.Of<GadgetSettings>(),
        Jobs = [Ping],
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        var gadgets = routes.MapGroup("/gadgets");
        gadgets.MapGet("/settings", "gadgets.settings", RouteAccess.Authenticated, async (ITenantSettings<GadgetSettings> settings, CancellationToken ct) => await settings.GetAsync(ct));
        gadgets.MapPost("/pings", "gadgets.ping", RouteAccess.Authenticated, async (PingBody? body, IJobQueue jobs, CancellationToken ct) =>
            Results.Accepted(value: new { jobId = await jobs.EnqueueAsync(Ping, new GadgetPing(body?.Note ?? "ping"), new JobOptions { RunAt = body?.RunAt }, ct) }));
    }

    public Task OnEnabledAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken) =>
        RecordAsync("enabled", unitOfWork, tenantId, cancellationToken);

    public Task OnDisabledAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken) =>
        RecordAsync("disabled", unitOfWork, tenantId, cancellationToken);

    private static async Task RecordAsync(string hook, IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        var context = await LinqToDB.Async.AsyncExtensions.FirstAsync(
            db.FromSql<string>("select current_setting('app.tenant_id', true) as value"), cancellationToken);
        Hooks[(hook, tenantId)] = context;
        if (hook == "enabled" && FailEnabling.ContainsKey(tenantId))
        {
            throw new InvalidOperationException("The gadgets hook failed on purpose.");
        }
    }
}

/// <summary>The gadgets addon's settings: defaults, rules, and one only a plan sets.</summary>
public sealed class GadgetSettings
{
    [Range(1, 10)]
    public int MaxGadgets { get; set; } = 3;

    [Required]
    [StringLength(20, MinimumLength = 1)]
    public string Label { get; set; } = "gadget";

    [PlanOnly]
    [Range(0, 10_000)]
    public int Quota { get; set; } = 100;
}

public sealed record PingBody(string? Note, DateTimeOffset? RunAt);

public sealed record GadgetPing(string Note);

internal sealed class GadgetPingJob(IKernelContextAccessor context) : IJobHandler<GadgetPing>
{
    public Task HandleAsync(GadgetPing payload, JobContext job, CancellationToken cancellationToken)
    {
        GadgetsAddon.Ran[job.JobId] = context.Current.TenantId;
        return Task.CompletedTask;
    }
}

/// <summary>Optional too, and needs gadgets.</summary>
public sealed class GizmosAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "gizmos",
        Version = "1.0.0",
        Summary = "Gizmos: an optional test addon that needs gadgets.",
        Optional = true,
        DependsOn = [GadgetsAddon.Name],
    };

    public void MapRoutes(KernelRouteGroup routes) =>
        routes.MapGroup("/gizmos").MapGet("", "gizmos.list", RouteAccess.Authenticated, () => new { gizmos = Array.Empty<string>() });
}
