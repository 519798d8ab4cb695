using System.Text.RegularExpressions;
using Kernel.Addons;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Kernel;

/// <summary>
/// The route builder addons map their routes with. Every route names a stable dotted name (used for audit,
/// metrics, logs and the OpenAPI operation id) and an auth decision; the kernel wraps each one with identity,
/// tenant, permission, unit of work, error envelope and telemetry.
/// </summary>
public sealed partial class KernelRouteGroup
{
    private readonly IEndpointRouteBuilder _inner;
    private readonly string _addon;
    private readonly bool _optional;
    private readonly RouteRegistry _registry;
    private readonly Action<RouteHandlerBuilder> _wrapWithUnitOfWork;

    /// <param name="inner">The endpoint builder routes are mapped on.</param>
    /// <param name="addon">The addon whose routes these are.</param>
    /// <param name="optional">Whether the addon is optional (only on for the tenants that have it switched on).</param>
    /// <param name="registry">Collects every route for the start-up checks.</param>
    /// <param name="wrapWithUnitOfWork">
    /// Adds the route wrapper's unit-of-work filter to a state-changing or platform-operator route. Passed in by <c>MapKernel</c> because the
    /// wrapper (Routing) sits above the declarations addons make (Addons).
    /// </param>
    internal KernelRouteGroup(IEndpointRouteBuilder inner, string addon, bool optional, RouteRegistry registry, Action<RouteHandlerBuilder> wrapWithUnitOfWork)
    {
        _inner = inner;
        _addon = addon;
        _optional = optional;
        _registry = registry;
        _wrapWithUnitOfWork = wrapWithUnitOfWork;
    }

    /// <summary>Maps a GET route.</summary>
    /// <param name="pattern">The route pattern relative to the group, e.g. <c>/requests/{id:guid}</c>.</param>
    /// <param name="name">The stable dotted route name, e.g. <c>requests.get</c>.</param>
    /// <param name="access">Who may call it.</param>
    /// <param name="handler">The minimal-API handler.</param>
    /// <returns>The endpoint builder, for further conventions such as <c>Produces</c>.</returns>
    public RouteHandlerBuilder MapGet(string pattern, string name, RouteAccess access, Delegate handler) =>
        Map(HttpMethods.Get, pattern, name, access, handler);

    /// <summary>Maps a POST route.</summary>
    /// <inheritdoc cref="MapGet" path="/param"/>
    /// <returns>The endpoint builder.</returns>
    public RouteHandlerBuilder MapPost(string pattern, string name, RouteAccess access, Delegate handler) =>
        Map(HttpMethods.Post, pattern, name, access, handler);

    /// <summary>Maps a PUT route.</summary>
    /// <inheritdoc cref="MapGet" path="/param"/>
    /// <returns>The endpoint builder.</returns>
    public RouteHandlerBuilder MapPut(string pattern, string name, RouteAccess access, Delegate handler) =>
        Map(HttpMethods.Put, pattern, name, access, handler);

    /// <summary>Maps a PATCH route.</summary>
    /// <inheritdoc cref="MapGet" path="/param"/>
    /// <returns>The endpoint builder.</returns>
    public RouteHandlerBuilder MapPatch(string pattern, string name, RouteAccess access, Delegate handler) =>
        Map(HttpMethods.Patch, pattern, name, access, handler);

    /// <summary>Maps a DELETE route.</summary>
    /// <inheritdoc cref="MapGet" path="/param"/>
    /// <returns>The endpoint builder.</returns>
    public RouteHandlerBuilder MapDelete(string pattern, string name, RouteAccess access, Delegate handler) =>
        Map(HttpMethods.Delete, pattern, name, access, handler);

    /// <summary>A nested group under <paramref name="prefix"/>; its routes are kernel routes too.</summary>
    /// <param name="prefix">The route prefix, e.g. <c>/requests</c>.</param>
    /// <returns>The nested group.</returns>
    public KernelRouteGroup MapGroup(string prefix) => new(_inner.MapGroup(prefix), _addon, _optional, _registry, _wrapWithUnitOfWork);

    private RouteHandlerBuilder Map(string method, string pattern, string name, RouteAccess access, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(handler);
        if (!RouteNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Route name '{name}' is not a stable dotted name such as 'requests.create' (lower case, at least two segments).",
                nameof(name));
        }

        var metadata = new KernelRouteMetadata(name, access, _addon, method, _optional);
        _registry.Add(metadata);
        var route = _inner.MapMethods(pattern, [method], handler)
            .WithName(name)
            .WithMetadata(metadata);

        // GET and HEAD routes run their unit of work read-only, with no transaction: nothing to commit, and an
        // endpoint filter would cost every such request the slower filtered invocation path. Platform-operator reads
        // are the exception: they are rare, and the filter files the audited ones (an export) in the platform stream.
        if (metadata.IsStateChanging || access.Kind == RouteAccessKind.PlatformOperator)
        {
            _wrapWithUnitOfWork(route);
        }

        return route;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex RouteNamePattern();
}
