using System.Collections.Concurrent;
using Kernel.Data;

namespace Kernel.Tenants;

/// <summary>
/// The registry as each instance remembers it, so resolving a request's tenant costs no query: tenants by id, by
/// external id and by slug (<see cref="ById"/>, <see cref="ByExternalId"/>, <see cref="BySlug"/>), and identifiers
/// known to name no tenant. Entries are trusted only while this instance listens for <c>kernel_tenants</c>
/// notifications (sent on commit by triggers on the registry): a change evicts the tenant on every instance, and a new
/// tenant forgets every "unknown" answer, since one of them may name it now. Without a live listener nothing is cached
/// and every resolution reads the database. Bounded: when full, it starts over.
/// </summary>
internal sealed class TenantCache : INotificationSubscriber
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private long _generation;
    private volatile bool _live;

    public TenantCache(int capacity)
    {
        _capacity = capacity;
        ById = new Index<Guid>(this, EqualityComparer<Guid>.Default);
        ByExternalId = new Index<string>(this, StringComparer.Ordinal);
        BySlug = new Index<string>(this, StringComparer.Ordinal);
    }

    public Index<Guid> ById { get; }

    public Index<string> ByExternalId { get; }

    public Index<string> BySlug { get; }

    /// <summary>Taken before reading the registry and handed to <see cref="Index{TKey}.Store"/>: a load that raced an eviction is dropped.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public int Count => ById.Count + ByExternalId.Count + BySlug.Count;

    /// <summary>The channel the registry's triggers notify on commit, with the changed tenant's id as the payload.</summary>
    public string Channel => "kernel_tenants";

    /// <summary>A tenant changed (or was created): forget it under every name, and every "no such tenant".</summary>
    public void Evict(Guid tenant)
    {
        lock (_gate)
        {
            _generation++;
            ById.Forget(tenant);
            ByExternalId.Forget(tenant);
            BySlug.Forget(tenant);
        }
    }

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
            ClearAll();
            _live = live;
        }
    }

    private void ClearAll()
    {
        ById.Clear();
        ByExternalId.Clear();
        BySlug.Clear();
    }

    /// <summary>Tenants by one kind of name; <see langword="null"/> entries remember that a name names no tenant.</summary>
    internal sealed class Index<TKey>(TenantCache cache, IEqualityComparer<TKey> comparer)
        where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, TenantEntry?> _entries = new(comparer);

        public int Count => _entries.Count;

        public bool TryGet(TKey key, out TenantEntry? entry)
        {
            entry = null;
            return cache._live && _entries.TryGetValue(key, out entry);
        }

        /// <summary>Keeps what a read that began at <paramref name="generation"/> found, unless the registry changed since.</summary>
        public void Store(TKey key, long generation, TenantEntry? entry)
        {
            lock (cache._gate)
            {
                if (!cache._live || generation != cache._generation)
                {
                    return;
                }

                if (cache.Count >= cache._capacity)
                {
                    // Identifiers from hostile tokens must not grow memory without bound; starting over is rare and cheap.
                    cache.ClearAll();
                }

                _entries[key] = entry;
            }
        }

        public void Forget(Guid tenant)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry is null || entry.Id == tenant)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }

        public void Clear() => _entries.Clear();
    }
}
