using System.Collections;
using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// A connection's feature collection, reset between requests the way Kestrel resets its own: the connection's features
/// stay, whatever the app added during a request (endpoint, route values, items, …) goes. It also carries the hosting
/// layer's per-request context (<see cref="IHostContextContainer{TContext}"/>), which the host then reuses, with its
/// <c>HttpContext</c>, from request to request, as it does on Kestrel.
/// </summary>
internal sealed class InProcessFeatures<TContext>(IReadOnlyDictionary<Type, object> connectionFeatures) : IFeatureCollection, IHostContextContainer<TContext>
    where TContext : notnull
{
    private static readonly object Removed = new();

    private readonly Dictionary<Type, object> _added = [];

    public TContext? HostContext { get; set; }

    public bool IsReadOnly => false;

    public int Revision { get; private set; }

    public object? this[Type key]
    {
        get => _added.TryGetValue(key, out var value) ? (ReferenceEquals(value, Removed) ? null : value) : connectionFeatures.GetValueOrDefault(key);
        set
        {
            _added[key] = value ?? Removed;
            Revision++;
        }
    }

    public TFeature? Get<TFeature>() => this[typeof(TFeature)] is TFeature feature ? feature : default;

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    /// <summary>Forgets what the last request added.</summary>
    public void Reset()
    {
        if (_added.Count > 0)
        {
            _added.Clear();
        }

        Revision++;
    }

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (var (type, value) in _added)
        {
            if (!ReferenceEquals(value, Removed))
            {
                yield return new(type, value);
            }
        }

        foreach (var (type, value) in connectionFeatures)
        {
            if (!_added.ContainsKey(type))
            {
                yield return new(type, value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
