using Kernel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Addons.Requests.Tests;

public sealed class RequestStoreTests(KernelDatabaseFixture<RequestsAddon> fixture) : IClassFixture<KernelDatabaseFixture<RequestsAddon>>
{
    [Fact]
    public async Task Keyset_pages_cover_every_request_once_even_when_timestamps_tie()
    {
        var tenant = Guid.NewGuid();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var created = new List<Guid>();
        for (var i = 0; i < 23; i++)
        {
            if (i % 4 == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(1)); // groups of four share a created_at
            }

            created.Add(await InTenantAsync(tenant, clock, store => store.CreateAsync($"r{i}", "", "normal", null, null, default)).ContinueWith(t => t.Result.Id));
        }

        var seen = new List<Guid>();
        RequestCursor? cursor = null;
        do
        {
            var page = await InTenantAsync(tenant, clock, store => store.ListAsync(null, null, cursor, 5, default));
            seen.AddRange(page.Select(r => r.Id));
            cursor = page.Count == 5 ? new RequestCursor(page[^1].CreatedAt, page[^1].Id) : null;
        }
        while (cursor is not null);

        Assert.Equal(created.Count, seen.Count);
        Assert.Equal(created.ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task An_update_with_a_stale_version_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var row = await InTenantAsync(tenant, clock, store => store.CreateAsync("first", "", "normal", null, null, default));

        var winner = await InTenantAsync(tenant, clock, async store =>
        {
            var current = (await store.FindAsync(row.Id, default))!;
            current.Title = "winner";
            return await store.UpdateAsync(current, 1, default);
        });
        var loser = await InTenantAsync(tenant, clock, async store =>
        {
            var stale = (await store.FindAsync(row.Id, default))!;
            stale.Title = "loser";
            return await store.UpdateAsync(stale, 1, default);
        });

        Assert.True(winner);
        Assert.False(loser);
        var stored = await InTenantAsync(tenant, clock, store => store.FindAsync(row.Id, default));
        Assert.Equal("winner", stored!.Title);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task Another_tenant_finds_nothing_and_updates_nothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var row = await InTenantAsync(Guid.NewGuid(), clock, store => store.CreateAsync("mine", "", "normal", null, null, default));
        var other = Guid.NewGuid();

        var found = await InTenantAsync(other, clock, store => store.FindAsync(row.Id, default));
        var updated = await InTenantAsync(other, clock, store =>
        {
            row.Title = "hijacked";
            return store.UpdateAsync(row, 1, default);
        });

        Assert.Null(found);
        Assert.False(updated);
    }

    private Task<T> InTenantAsync<T>(Guid tenant, TimeProvider clock, Func<RequestStore, Task<T>> work) =>
        fixture.Database.AsTenantAsync(tenant, "tester", (unitOfWork, context) => work(new RequestStore(unitOfWork, context, clock)));
}
