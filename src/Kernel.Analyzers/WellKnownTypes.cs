using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Kernel.Analyzers;

/// <summary>
/// The symbols the rules compare against, resolved once per compilation. Kernel types are looked up in the
/// Kernel assembly itself, so a same-named type elsewhere never matches. Types of optional libraries
/// (Npgsql, linq2db, Coravel, ASP.NET Core) are <see langword="null"/> when the compilation does not see them.
/// </summary>
internal sealed class WellKnownTypes
{
    private readonly ConcurrentDictionary<IAssemblySymbol, ImmutableArray<INamedTypeSymbol>> _addonTypesByAssembly =
        new(SymbolEqualityComparer.Default);

    private WellKnownTypes(Compilation compilation, IAssemblySymbol kernel, INamedTypeSymbol addon)
    {
        Compilation = compilation;
        KernelAssembly = kernel;
        IAddon = addon;
        AddonManifest = kernel.GetTypeByMetadataName("Kernel.AddonManifest");
        PermissionDefinition = kernel.GetTypeByMetadataName("Kernel.PermissionDefinition");
        RouteAccess = kernel.GetTypeByMetadataName("Kernel.RouteAccess");
        KernelRouteGroup = kernel.GetTypeByMetadataName("Kernel.KernelRouteGroup");
        KernelContext = kernel.GetTypeByMetadataName("Kernel.KernelContext");
        KernelEndpointExtensions = kernel.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.EndpointConventionBuilderExtensions");

        EndpointRouteBuilderExtensions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions");
        RoutingHttpContextExtensions = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Routing.RoutingHttpContextExtensions");
        RawInputCollections = Resolve(
            compilation,
            ("Microsoft.AspNetCore.Http.IHeaderDictionary", "a request header"),
            ("Microsoft.AspNetCore.Http.IQueryCollection", "the query string"),
            ("Microsoft.AspNetCore.Http.IFormCollection", "a form field"),
            ("Microsoft.AspNetCore.Http.IRequestCookieCollection", "a cookie"),
            ("Microsoft.AspNetCore.Routing.RouteValueDictionary", "the route values"));
        BindingAttributes = Resolve(
            compilation,
            ("Microsoft.AspNetCore.Mvc.FromHeaderAttribute", "a request header"),
            ("Microsoft.AspNetCore.Mvc.FromQueryAttribute", "the query string"),
            ("Microsoft.AspNetCore.Mvc.FromRouteAttribute", "the route values"),
            ("Microsoft.AspNetCore.Mvc.FromFormAttribute", "a form field"));
        ClaimsPrincipal = compilation.GetTypeByMetadataName("System.Security.Claims.ClaimsPrincipal");
        ClaimsIdentity = compilation.GetTypeByMetadataName("System.Security.Claims.ClaimsIdentity");
        ClaimTypeProperty = FindProperty(compilation.GetTypeByMetadataName("System.Security.Claims.Claim"), "Type");

        NpgsqlConnection = compilation.GetTypeByMetadataName("Npgsql.NpgsqlConnection");
        NpgsqlCommand = compilation.GetTypeByMetadataName("Npgsql.NpgsqlCommand");
        NpgsqlBatch = compilation.GetTypeByMetadataName("Npgsql.NpgsqlBatch");
        NpgsqlBatchCommand = compilation.GetTypeByMetadataName("Npgsql.NpgsqlBatchCommand");
        NpgsqlDataSource = compilation.GetTypeByMetadataName("Npgsql.NpgsqlDataSource");
        NpgsqlDataSourceBuilder = compilation.GetTypeByMetadataName("Npgsql.NpgsqlDataSourceBuilder");
        NpgsqlSlimDataSourceBuilder = compilation.GetTypeByMetadataName("Npgsql.NpgsqlSlimDataSourceBuilder");
        DbDataSource = compilation.GetTypeByMetadataName("System.Data.Common.DbDataSource");
        DbConnection = compilation.GetTypeByMetadataName("System.Data.Common.DbConnection");
        DbCommand = compilation.GetTypeByMetadataName("System.Data.Common.DbCommand");
        DbBatch = compilation.GetTypeByMetadataName("System.Data.Common.DbBatch");
        DataConnection = compilation.GetTypeByMetadataName("LinqToDB.Data.DataConnection");
        DataContext = compilation.GetTypeByMetadataName("LinqToDB.DataContext");
        DataParameter = compilation.GetTypeByMetadataName("LinqToDB.Data.DataParameter");
        RawSqlString = compilation.GetTypeByMetadataName("LinqToDB.RawSqlString");
        Linq2DbAssembly = DataConnection?.ContainingAssembly;
        DbCommandText = FindProperty(compilation.GetTypeByMetadataName("System.Data.Common.DbCommand"), "CommandText");
        DbBatchCommandText = FindProperty(compilation.GetTypeByMetadataName("System.Data.Common.DbBatchCommand"), "CommandText");
        CoravelQueue = compilation.GetTypeByMetadataName("Coravel.Queuing.Interfaces.IQueue");

        JobDefinition = kernel.GetTypeByMetadataName("Kernel.JobDefinition");
        JobDefinitionFactories = Members<IMethodSymbol>(JobDefinition, "ForTenant", "ForSystem");
        IJobQueue = kernel.GetTypeByMetadataName("Kernel.IJobQueue");
        JobQueueEnqueue = Members<IMethodSymbol>(IJobQueue, "EnqueueAsync");
        IJobHandler = kernel.GetTypeByMetadataName("Kernel.IJobHandler`1");
        const string Live = ", live state that does not round-trip through JSON";
        LivePayloadTypes = Resolve(
            compilation,
            ("System.IO.Stream", "a stream" + Live),
            ("System.Threading.Tasks.Task", "a task" + Live),
            ("System.Threading.Tasks.ValueTask", "a task" + Live),
            ("System.Threading.Tasks.ValueTask`1", "a task" + Live),
            ("System.Threading.CancellationToken", "a cancellation token" + Live),
            ("Microsoft.AspNetCore.Http.HttpContext", "an HTTP context" + Live),
            ("System.Data.Common.DbConnection", "a database connection" + Live),
            ("System.Data.Common.DbTransaction", "a database transaction" + Live),
            ("Npgsql.NpgsqlConnection", "a database connection" + Live),
            ("System.IServiceProvider", "a service provider" + Live),
            ("System.Delegate", "a delegate, code that does not round-trip through JSON"),
            ("System.Type", "a System.Type, which does not round-trip through JSON"),
            ("System.Reflection.MemberInfo", "reflection metadata, which does not round-trip through JSON"),
            ("System.Exception", "an exception, which does not round-trip through JSON"),
            ("System.IDisposable", "disposable, so it holds a resource that does not round-trip through JSON"),
            ("System.IAsyncDisposable", "disposable, so it holds a resource that does not round-trip through JSON"));
        if (KernelContext is not null)
        {
            LivePayloadTypes = LivePayloadTypes.Add((KernelContext, "the KernelContext, which the kernel already restores for the handler"));
        }

        PlainLeafTypes = ResolveAll(
            compilation,
            "System.Guid", "System.DateTimeOffset", "System.TimeSpan", "System.DateOnly", "System.TimeOnly",
            "System.Uri", "System.Version", "System.Half", "System.Int128", "System.UInt128",
            "System.Text.Json.JsonElement", "System.Text.Json.Nodes.JsonNode");
        JsonConstructorAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonConstructorAttribute");
        JsonIgnoreAttribute = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonIgnoreAttribute");
        SequenceInterfaces = ResolveAll(
            compilation,
            "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.ICollection`1",
            "System.Collections.Generic.IList`1", "System.Collections.Generic.IReadOnlyCollection`1",
            "System.Collections.Generic.IReadOnlyList`1", "System.Collections.Generic.ISet`1",
            "System.Collections.Generic.IReadOnlySet`1");
        DictionaryInterfaces = ResolveAll(
            compilation, "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2");
    }

    public Compilation Compilation { get; }

    public IAssemblySymbol KernelAssembly { get; }

    public INamedTypeSymbol IAddon { get; }

    public INamedTypeSymbol? AddonManifest { get; }

    public INamedTypeSymbol? PermissionDefinition { get; }

    public INamedTypeSymbol? RouteAccess { get; }

    public INamedTypeSymbol? KernelRouteGroup { get; }

    public INamedTypeSymbol? KernelContext { get; }

    public INamedTypeSymbol? KernelEndpointExtensions { get; }

    public INamedTypeSymbol? EndpointRouteBuilderExtensions { get; }

    public INamedTypeSymbol? RoutingHttpContextExtensions { get; }

    /// <summary>Request-input collections, each with how the rule's message names it.</summary>
    public ImmutableArray<(INamedTypeSymbol Type, string Source)> RawInputCollections { get; }

    /// <summary>Minimal-API binding attributes, each with how the rule's message names the source.</summary>
    public ImmutableArray<(INamedTypeSymbol Type, string Source)> BindingAttributes { get; }

    public INamedTypeSymbol? ClaimsPrincipal { get; }

    public INamedTypeSymbol? ClaimsIdentity { get; }

    /// <summary><c>System.Security.Claims.Claim.Type</c>.</summary>
    public IPropertySymbol? ClaimTypeProperty { get; }

    public INamedTypeSymbol? NpgsqlConnection { get; }

    public INamedTypeSymbol? NpgsqlCommand { get; }

    public INamedTypeSymbol? NpgsqlBatch { get; }

    public INamedTypeSymbol? NpgsqlBatchCommand { get; }

    public INamedTypeSymbol? NpgsqlDataSource { get; }

    public INamedTypeSymbol? NpgsqlDataSourceBuilder { get; }

    public INamedTypeSymbol? NpgsqlSlimDataSourceBuilder { get; }

    public INamedTypeSymbol? DbDataSource { get; }

    public INamedTypeSymbol? DbConnection { get; }

    public INamedTypeSymbol? DbCommand { get; }

    public INamedTypeSymbol? DbBatch { get; }

    public INamedTypeSymbol? DataConnection { get; }

    public INamedTypeSymbol? DataContext { get; }

    public INamedTypeSymbol? DataParameter { get; }

    public INamedTypeSymbol? RawSqlString { get; }

    public IAssemblySymbol? Linq2DbAssembly { get; }

    public IPropertySymbol? DbCommandText { get; }

    public IPropertySymbol? DbBatchCommandText { get; }

    public INamedTypeSymbol? CoravelQueue { get; }

    public INamedTypeSymbol? JobDefinition { get; }

    /// <summary><c>JobDefinition.ForTenant&lt;TPayload, THandler&gt;</c> and <c>ForSystem&lt;TPayload, THandler&gt;</c>.</summary>
    public ImmutableArray<IMethodSymbol> JobDefinitionFactories { get; }

    public INamedTypeSymbol? IJobQueue { get; }

    /// <summary>Both <c>IJobQueue.EnqueueAsync&lt;TPayload&gt;</c> overloads.</summary>
    public ImmutableArray<IMethodSymbol> JobQueueEnqueue { get; }

    /// <summary>The unbound <c>IJobHandler&lt;TPayload&gt;</c>.</summary>
    public INamedTypeSymbol? IJobHandler { get; }

    /// <summary>
    /// Types that carry live state or behaviour rather than data, so a job payload must not be or hold one (a type
    /// matches when it is, derives from or implements one), each with how KRN5002's message says what is wrong with it.
    /// </summary>
    public ImmutableArray<(INamedTypeSymbol Type, string Description)> LivePayloadTypes { get; }

    /// <summary>Non-primitive types System.Text.Json reads and writes as plain values (Guid, dates, Uri, JSON nodes…).</summary>
    public ImmutableArray<INamedTypeSymbol> PlainLeafTypes { get; }

    public INamedTypeSymbol? JsonConstructorAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    /// <summary>The unbound sequence interfaces System.Text.Json deserialises (IEnumerable&lt;T&gt;, IReadOnlyList&lt;T&gt;…).</summary>
    public ImmutableArray<INamedTypeSymbol> SequenceInterfaces { get; }

    /// <summary>The unbound IDictionary&lt;TKey, TValue&gt; and IReadOnlyDictionary&lt;TKey, TValue&gt;.</summary>
    public ImmutableArray<INamedTypeSymbol> DictionaryInterfaces { get; }

    /// <summary>
    /// The symbols for <paramref name="compilation"/>, or <see langword="null"/> when it does not reference the
    /// Kernel (nothing to enforce) or is the Kernel itself (where raw ASP.NET Core APIs are the implementation).
    /// </summary>
    public static WellKnownTypes? TryCreate(Compilation compilation)
    {
        var addon = compilation.GetTypeByMetadataName("Kernel.IAddon");
        if (addon is null
            || addon.ContainingAssembly is not { } kernel
            || kernel.Name != "Kernel"
            || SymbolEqualityComparer.Default.Equals(kernel, compilation.Assembly))
        {
            return null;
        }

        return new WellKnownTypes(compilation, kernel, addon);
    }

    public bool IsAddon(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Class && type.AllInterfaces.Contains(IAddon, SymbolEqualityComparer.Default);

    /// <summary>The types implementing IAddon declared in <paramref name="assembly"/>; cached per assembly.</summary>
    public ImmutableArray<INamedTypeSymbol> AddonTypesOf(IAssemblySymbol assembly) =>
        _addonTypesByAssembly.GetOrAdd(assembly, a =>
        {
            // Only an assembly that references the Kernel can declare an addon; this skips the framework cheaply.
            if (SymbolEqualityComparer.Default.Equals(a, KernelAssembly)
                || !a.Modules.Any(m => m.ReferencedAssemblySymbols.Any(r => r.Name == KernelAssembly.Name)))
            {
                return ImmutableArray<INamedTypeSymbol>.Empty;
            }

            var found = ImmutableArray.CreateBuilder<INamedTypeSymbol>();
            Collect(a.GlobalNamespace, found);
            return found.ToImmutable();
        });

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, baseType))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsOrImplements(ITypeSymbol? type, INamedTypeSymbol candidate) =>
        type is not null
        && (DerivesFrom(type, candidate) || type.AllInterfaces.Contains(candidate, SymbolEqualityComparer.Default));

    private void Collect(INamespaceOrTypeSymbol container, ImmutableArray<INamedTypeSymbol>.Builder found)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
            {
                Collect(ns, found);
            }
            else if (member is INamedTypeSymbol type)
            {
                if (IsAddon(type))
                {
                    found.Add(type);
                }

                Collect(type, found);
            }
        }
    }

    private static IPropertySymbol? FindProperty(INamedTypeSymbol? type, string name) =>
        type?.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault();

    private static ImmutableArray<TMember> Members<TMember>(INamedTypeSymbol? type, params string[] names)
        where TMember : ISymbol =>
        type is null ? ImmutableArray<TMember>.Empty : [.. names.SelectMany(n => type.GetMembers(n).OfType<TMember>())];

    private static ImmutableArray<INamedTypeSymbol> ResolveAll(Compilation compilation, params string[] metadataNames) =>
        [.. metadataNames.Select(compilation.GetTypeByMetadataName).Where(t => t is not null).Cast<INamedTypeSymbol>()];

    private static ImmutableArray<(INamedTypeSymbol, string)> Resolve(Compilation compilation, params (string MetadataName, string Source)[] names)
    {
        var builder = ImmutableArray.CreateBuilder<(INamedTypeSymbol, string)>();
        foreach (var (metadataName, source) in names)
        {
            if (compilation.GetTypeByMetadataName(metadataName) is { } type)
            {
                builder.Add((type, source));
            }
        }

        return builder.ToImmutable();
    }
}
