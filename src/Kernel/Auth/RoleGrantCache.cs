using System.Collections.Concurrent;
using Kernel.Data;

namespace Kernel.Auth;

/// <summary>
/// Each tenant's role overrides, kept in memory so a permission check costs no query. Entries are trusted only while
/// this instance listens for <c>kernel_grants</c> notifications (sent on commit by a trigger on
/// <c>kernel.role_grants</c>): a change evicts the tenant everywhere, and this instance also evicts on its own commits
/// before answering, so a revoked grant is denied on the next request. Without a live listener nothing is cached and
/// every check reads the database.
/// </summary>
internal sealed class RoleGrantCache : INotificationSubscriber
{
    private readonly ConcurrentDictionary<Guid, IReadOnlyDictionary<string, IReadOnlySet<string>>> _byTenant = new();
    private readonly Lock _gate = new();
    private long _generation;
    private volatile bool _live;

    /// <summary>Taken before reading a tenant's overrides and handed to <see cref="Store"/>: a load that raced an eviction is dropped.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(Guid tenant, out IReadOnlyDictionary<string, IReadOnlySet<string>> overrides)
    {
        overrides = null!;
        return _live && _byTenant.TryGetValue(tenant, out overrides!);
    }

    public void Store(Guid tenant, long generation, IReadOnlyDictionary<string, IReadOnlySet<string>> overrides)
    {
        lock (_gate)
        {
            if (_live && generation == _generation)
            {
                _byTenant[tenant] = overrides;
            }
        }
    }

    public void Evict(Guid tenant)
    {
        lock (_gate)
        {
            _generation++;
            _byTenant.TryRemove(tenant, out _);
        }
    }

    /// <summary>The channel a trigger on <c>kernel.role_grants</c> notifies on commit, with the changed tenant's id as the payload.</summary>
    public string Channel => "kernel_grants";

    /// <summary>The listener is (again) listening: forget everything, since changes may have been missed, and start caching.</summary>
    public void Listening() => Reset(live: true);

    /// <summary>The listener lost its connection: notifications may be missed, so stop trusting and caching.</summary>
    public void NotListening() => Reset(live: false);

    /// <summary>A notification on <see cref="Channel"/>: evict the tenant it names.</summary>
    public void Notified(string payload)
    {
        if (Guid.TryParse(payload, out var tenant))
        {
            Evict(tenant);
        }
    }

    private void Reset(bool live)
    {
        lock (_gate)
        {
            _generation++;
            _byTenant.Clear();
            _live = live;
        }
    }
}
