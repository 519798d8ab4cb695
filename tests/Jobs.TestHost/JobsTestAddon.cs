using Kernel;

namespace Jobs.TestHost;

/// <summary>The job tests' addon: test job types and a route that enqueues, then optionally fails.</summary>
public sealed class JobsTestAddon : IAddon
{
    public AddonManifest Manifest { get; } = new()
    {
        Name = "jobstest",
        Version = "0.0.0",
        Summary = "Test job types.",
        Permissions = [new PermissionDefinition("jobstest.use", "Use the test routes.")],
        RoleGrants = new Dictionary<string, IReadOnlyList<string>> { ["member"] = ["jobstest.use"] },
        Jobs = [EffectJob.Definition, FlakyJob.Definition, ProbeJob.Definition, ExecJob.Definition, TickJob.Definition, LooseJob.Definition],
    };

    public void MapRoutes(KernelRouteGroup routes)
    {
        routes.MapPost("/jobstest/effect", "jobstest.effect", RouteAccess.Permission("jobstest.use"), async (bool? fail, IJobQueue jobs, CancellationToken ct) =>
        {
            var id = await jobs.EnqueueAsync(EffectJob.Definition, new EffectPayload(), cancellationToken: ct);
            if (fail == true)
            {
                throw new InvalidOperationException("The route failed after enqueueing.");
            }

            return Results.Accepted(value: new { jobId = id });
        });
        routes.MapPost("/jobstest/probe", "jobstest.probe", RouteAccess.Permission("jobstest.use"), async (IJobQueue jobs, CancellationToken ct) =>
            Results.Accepted(value: new { jobId = await jobs.EnqueueAsync(ProbeJob.Definition, new ProbePayload(), cancellationToken: ct) }));
    }
}
