using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kernel.Data;

namespace Kernel.Tenants.Settings;

/// <summary>
/// Each instance's copy of tenants' composed settings, by tenant and addon, trusted only while this instance listens
/// for <c>kernel_settings</c> notifications (sent on commit by the trigger on <c>kernel.tenant_settings</c>): a change
/// evicts the tenant's settings on every instance. An entry remembers the plan it was composed under, so a tenant moved
/// to another plan (a registry change, which refreshes its registry entry) is composed again. Bounded: when full, it
/// starts over.
/// </summary>
internal sealed class TenantSettingsCache(int capacity) : INotificationSubscriber
{
    private readonly ConcurrentDictionary<(Guid Tenant, string Addon), TenantSettingsEntry> _entries = new();
    private readonly Lock _gate = new();
    private long _generation;
    private volatile bool _live;

    public long Generation => Interlocked.Read(ref _generation);

    public string Channel => "kernel_settings";

    public bool TryGet(Guid tenant, string addon, string? plan, out TenantSettingsEntry? entry)
    {
        entry = null;
        return _live && _entries.TryGetValue((tenant, addon), out entry) && entry.Plan == plan;
    }

    public void Store(Guid tenant, string addon, long generation, TenantSettingsEntry entry)
    {
        lock (_gate)
        {
            if (!_live || generation != _generation)
            {
                return;
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }

            _entries[(tenant, addon)] = entry;
        }
    }

    public void Evict(Guid tenant)
    {
        lock (_gate)
        {
            _generation++;
            foreach (var key in _entries.Keys)
            {
                if (key.Tenant == tenant)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    public void Listening() => Reset(live: true);

    public void NotListening() => Reset(live: false);

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
            _entries.Clear();
            _live = live;
        }
    }
}

/// <summary>A tenant's composed settings of one addon: the value handlers get, its JSON, the tenant's own values and their version.</summary>
internal sealed record TenantSettingsEntry(string? Plan, object Value, JsonObject Effective, JsonObject Overrides, int Version);
