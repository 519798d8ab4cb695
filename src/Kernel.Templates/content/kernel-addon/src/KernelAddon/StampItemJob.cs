using Kernel;

namespace KernelAddon;

/// <summary>The payload of <c>kerneladdon.stamp_item</c>: plain data, stored as JSON in the job envelope.</summary>
/// <param name="ItemId">The item to stamp.</param>
internal sealed record StampItem(Guid ItemId);

/// <summary>
/// <c>kerneladdon.stamp_item</c>: runs after the item's route committed, in the same tenant and actor context, in a unit
/// of work of its own; retried with backoff when it throws. Idempotent, since a job can be delivered more than once.
/// </summary>
internal sealed class StampItemJob(ItemStore store) : IJobHandler<StampItem>
{
    public static readonly JobDefinition<StampItem> Definition = JobDefinition.ForTenant<StampItem, StampItemJob>(KernelAddonAddon.Name + ".stamp_item");

    public Task HandleAsync(StampItem payload, JobContext job, CancellationToken cancellationToken) =>
        store.StampAsync(payload.ItemId, cancellationToken);
}
