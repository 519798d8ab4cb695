namespace Kernel.Benchmarks.Bench;

/// <summary>A tenant job that does nothing, so what is measured is the queue's own cost.</summary>
internal sealed class NoopJob : IJobHandler<NoopPayload>
{
    public static readonly JobDefinition<NoopPayload> Definition = JobDefinition.ForTenant<NoopPayload, NoopJob>("bench.noop");

    public Task HandleAsync(NoopPayload payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
}
