using Kernel;
using LinqToDB;
using LinqToDB.Async;

namespace KernelAddon;

/// <summary>Reads and writes items through the kernel's unit of work, so every statement runs as the caller's tenant.</summary>
internal sealed class ItemStore(IUnitOfWork unitOfWork, IKernelContextAccessor context, TimeProvider time)
{
    public async Task<ItemRow> CreateAsync(string title, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var row = new ItemRow
        {
            TenantId = context.Current.RequiredTenantId,
            Id = Guid.CreateVersion7(now),
            Title = title,
            CreatedBy = context.Current.RequiredActor.Id,
            CreatedAt = now,
        };
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        await db.InsertAsync(row, token: cancellationToken);
        return row;
    }

    public async Task<ItemRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        return await AsyncExtensions.FirstOrDefaultAsync(db.GetTable<ItemRow>().Where(i => i.Id == id), cancellationToken);
    }

    /// <summary>Stamps the item once; a second delivery of the same job changes nothing (jobs run at least once).</summary>
    public async Task<bool> StampAsync(Guid id, CancellationToken cancellationToken)
    {
        var db = await unitOfWork.GetDbAsync(cancellationToken);
        var updated = await db.GetTable<ItemRow>()
            .Where(i => i.Id == id && i.StampedAt == null)
            .Set(i => i.StampedAt, time.GetUtcNow())
            .UpdateAsync(cancellationToken);
        return updated == 1;
    }
}
