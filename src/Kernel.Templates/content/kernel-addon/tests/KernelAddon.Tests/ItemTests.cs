using Kernel;
using Kernel.Testing;

namespace KernelAddon.Tests;

/// <summary>
/// The addon's store and job against a real PostgreSQL with the kernel's and this addon's migrations, acting as a
/// tenant and actor exactly as a route or job would (same connection setup, same row-level security).
/// </summary>
public sealed class ItemTests(KernelDatabaseFixture<KernelAddonAddon> fixture) : IClassFixture<KernelDatabaseFixture<KernelAddonAddon>>
{
    private readonly Guid _tenant = Guid.NewGuid();
    private readonly Guid _otherTenant = Guid.NewGuid();

    [Fact]
    public async Task Another_tenant_cannot_see_an_item()
    {
        var item = await AsTenant(_tenant, "alice", store => store.CreateAsync("Quarterly report", default));

        var seenByOwner = await AsTenant(_tenant, "alice", store => store.FindAsync(item.Id, default));
        var seenByOther = await AsTenant(_otherTenant, "bob", store => store.FindAsync(item.Id, default));

        Assert.Equal("Quarterly report", seenByOwner?.Title);
        Assert.Equal("alice", seenByOwner?.CreatedBy);
        Assert.Null(seenByOther);
    }

    [Fact]
    public async Task The_stamp_job_stamps_its_item_once_however_often_it_runs()
    {
        var item = await AsTenant(_tenant, "alice", store => store.CreateAsync("Invoice", default));
        var job = new JobContext(Guid.NewGuid(), StampItemJob.Definition.Name, Attempt: 1, MaxAttempts: 5);

        await AsTenant(_tenant, "alice", async store => { await new StampItemJob(store).HandleAsync(new StampItem(item.Id), job, default); return 0; });
        var first = await AsTenant(_tenant, "alice", store => store.FindAsync(item.Id, default));
        await AsTenant(_tenant, "alice", async store => { await new StampItemJob(store).HandleAsync(new StampItem(item.Id), job with { Attempt = 2 }, default); return 0; });
        var second = await AsTenant(_tenant, "alice", store => store.FindAsync(item.Id, default));

        Assert.NotNull(first?.StampedAt);
        Assert.Equal(first!.StampedAt, second?.StampedAt);
    }

    [Fact]
    public async Task Another_tenants_job_cannot_stamp_an_item()
    {
        var item = await AsTenant(_tenant, "alice", store => store.CreateAsync("Contract", default));

        var stamped = await AsTenant(_otherTenant, "bob", store => store.StampAsync(item.Id, default));

        Assert.False(stamped);
        Assert.Null((await AsTenant(_tenant, "alice", store => store.FindAsync(item.Id, default)))?.StampedAt);
    }

    private Task<T> AsTenant<T>(Guid tenant, string actor, Func<ItemStore, Task<T>> work) =>
        fixture.Database.AsTenantAsync(tenant, actor, (unitOfWork, context) => work(new ItemStore(unitOfWork, context, TimeProvider.System)));
}
