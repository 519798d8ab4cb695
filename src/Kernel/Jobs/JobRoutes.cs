using Kernel.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Kernel.Jobs;

/// <summary>The kernel's job routes under <c>/api/jobs</c>: a tenant's own jobs only (RLS), never system jobs.</summary>
internal static class JobRoutes
{
    private const int ListLimit = 100;

    public static void Map(KernelRouteGroup jobs)
    {
        jobs.MapGet("/{id:guid}", "kernel.jobs.get", RouteAccess.Authenticated, GetAsync)
            .WithSummary("Get a job");
        jobs.MapGet("", "kernel.jobs.list", RouteAccess.Permission(JobPermissions.Manage), ListAsync)
            .WithSummary("List the tenant's jobs");
        jobs.MapPost("/{id:guid}/retry", "kernel.jobs.retry", RouteAccess.Permission(JobPermissions.Manage), RetryAsync)
            .WithSummary("Retry a dead job");
    }

    private static async Task<JobStatus> GetAsync(Guid id, UnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        return await JobStore.FindAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Job");
    }

    private static async Task<IReadOnlyList<JobStatus>> ListAsync([FromQuery] string? state, UnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        state ??= JobState.Dead;
        if (!JobState.All.Contains(state))
        {
            throw KernelException.Validation("state", $"Must be one of: {string.Join(", ", JobState.All)}.");
        }

        return await JobStore.ListAsync(unitOfWork, state, ListLimit, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IResult> RetryAsync(Guid id, UnitOfWork unitOfWork, CancellationToken cancellationToken)
    {
        if (await JobStore.RetryAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false))
        {
            return Results.Accepted($"jobs/{id}", await JobStore.FindAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false));
        }

        var job = await JobStore.FindAsync(unitOfWork, id, cancellationToken).ConfigureAwait(false) ?? throw KernelException.NotFound("Job");
        throw KernelException.Conflict($"Only dead jobs can be retried; this one is {job.State}.");
    }
}
