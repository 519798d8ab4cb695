using System.Collections.Concurrent;
using Kernel.Data;

namespace Kernel.Tenants;

/// <summary>
/// The registry as each instance remembers it, so resolving a request's tenant costs no query: tenants by id, by
/// external id and by slug, and identifiers known to name no tenant. Entries are trusted only while this instance
/// listens for <c>kernel_tenants</c> notifications (sent on commit by triggers on the registry): a change evicts the
/// tenant on every instance, and a new tenant forgets every "unknown" answer, since one of them may name it now.
/// Without a live listener nothing is cached and every resolution reads the database. Bounded: when full, it starts over.
/// </summary>
internal sealed class TenantCache(int capacity) : INotificationSubscriber
{
    private readonly ConcurrentDictionary<Guid, TenantEntry?> _byId = new();
    private readonly ConcurrentDictionary<string, TenantEntry?> _byExternalId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantEntry?> _bySlug = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;
    private volatile bool _live;

    /// <summary>Taken before reading the registry and handed to a store method: a load that raced an eviction is dropped.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _byId.Count + _byExternalId.Count + _bySlug.Count;

    public bool TryGetById(Guid id, out TenantEntry? entry)
    {
        entry = null;
        return _live && _byId.TryGetValue(id, out entry);
    }

    public bool TryGetByExternalId(string externalId, out TenantEntry? entry)
    {
        entry = null;
        return _live && _byExternalId.TryGetValue(externalId, out entry);
    }

    public bool TryGetBySlug(string slug, out TenantEntry? entry)
    {
        entry = null;
        return _live && _bySlug.TryGetValue(slug, out entry);
    }

    public void StoreById(Guid id, long generation, TenantEntry? entry) => Store(_byId, id, generation, entry);

    public void StoreByExternalId(string externalId, long generation, TenantEntry? entry) => Store(_byExternalId, externalId, generation, entry);

    public void StoreBySlug(string slug, long generation, TenantEntry? entry) => Store(_bySlug, slug, generation, entry);

    /// <summary>A tenant changed (or was created): forget it under every name, and every "no such tenant".</summary>
    public void Evict(Guid tenant)
    {
        lock (_gate)
        {
            _generation++;
            _byId.TryRemove(tenant, out _);
            Forget(_byExternalId, tenant);
            Forget(_bySlug, tenant);
        }
    }

    /// <summary>The channel the registry's triggers notify on commit, with the changed tenant's id as the payload.</summary>
    public string Channel => "kernel_tenants";

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

    private static void Forget<TKey>(ConcurrentDictionary<TKey, TenantEntry?> entries, Guid tenant)
        where TKey : notnull
    {
        foreach (var (key, entry) in entries)
        {
            if (entry is null || entry.Id == tenant)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    private void Store<TKey>(ConcurrentDictionary<TKey, TenantEntry?> entries, TKey key, long generation, TenantEntry? entry)
        where TKey : notnull
    {
        lock (_gate)
        {
            if (!_live || generation != _generation)
            {
                return;
            }

            if (Count >= capacity)
            {
                // Identifiers from hostile tokens must not grow memory without bound; starting over is rare and cheap.
                _byId.Clear();
                _byExternalId.Clear();
                _bySlug.Clear();
            }

            entries[key] = entry;
        }
    }

    private void Reset(bool live)
    {
        lock (_gate)
        {
            _generation++;
            _byId.Clear();
            _byExternalId.Clear();
            _bySlug.Clear();
            _live = live;
        }
    }
}
