using Microsoft.CodeAnalysis;

namespace Kernel.Analyzers;

/// <summary>
/// Every KRN rule, in one place. IDs are ranged by category: 1xxx routing, 2xxx context, 3xxx data,
/// 4xxx addons, 5xxx jobs. Each rule links to its page under docs/rules/.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/kernel-dotnet/kernel/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor RawEndpointMapping = Create(
        "KRN1001",
        Categories.Routing,
        "Map endpoints through the kernel route builder",
        "'{0}' maps an endpoint outside the kernel, so it gets no auth decision, tenant context, unit of work or error envelope. Map it in an addon's MapRoutes with KernelRouteGroup, or chain .ExcludeFromKernel() if it deliberately stays outside.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UndeclaredPermission = Create(
        "KRN1002",
        Categories.Routing,
        "A route requires a permission no addon declares",
        "Permission '{0}' is not declared by any addon manifest in this project, so the kernel refuses to start. Declare it with new PermissionDefinition(\"{0}\", ...) in the addon's Manifest.Permissions, or correct the name.",
        DiagnosticSeverity.Error,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor RawTenantInput = Create(
        "KRN2001",
        Categories.Context,
        "Take the tenant and actor from the KernelContext",
        "The tenant or actor is read from {0} ('{1}'), which the caller controls. Take it from the KernelContext (IKernelContextAccessor.Current.RequiredTenantId / RequiredActor) instead.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnitOfWorkBypass = Create(
        "KRN3001",
        Categories.Data,
        "Use the kernel's unit of work for database access",
        "'{0}' reaches the database outside the kernel's unit of work, so it runs without app.tenant_id and row-level security does not isolate tenants. Use IUnitOfWork.GetDbAsync() instead.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SqlFromStrings = Create(
        "KRN3002",
        Categories.Data,
        "Pass values to SQL as parameters",
        "The SQL text passed to '{0}' is built by {1}, which opens it to SQL injection. Pass the values as parameters (DataParameter, NpgsqlParameter) or use an overload that takes a FormattableString.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UndeclaredAddonDependency = Create(
        "KRN4001",
        Categories.Addons,
        "Declare the addons an addon uses in its DependsOn",
        "Addon '{0}' uses '{1}' from addon '{2}' without declaring it, so the kernel may register and migrate it in the wrong order or not at all. Add \"{2}\" to the manifest's DependsOn.",
        DiagnosticSeverity.Warning,
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InMemoryQueue = Create(
        "KRN5001",
        Categories.Jobs,
        "Use the kernel's durable job queue instead of Coravel's in-memory queue",
        "'{0}' puts work on Coravel's in-memory queue, which loses it on a crash and runs it without the KernelContext. Enqueue it on the kernel's durable job queue instead.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor JobPayloadNotPlainData = Create(
        "KRN5002",
        Categories.Jobs,
        "A job payload must be a plain data record",
        "Job payload type '{0}' {1}. The payload is stored as JSON and read back later, maybe by another process or version. Make it a sealed record of plain values (strings, numbers, Guids, dates, enums, lists of them) and look up anything live in the handler.",
        DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(
        string id,
        string category,
        string title,
        string message,
        DiagnosticSeverity severity,
        params string[] customTags) =>
        new(id, title, message, category, severity, isEnabledByDefault: true,
            description: null, helpLinkUri: HelpLinkBase + id + ".md", customTags: customTags);

    private static class Categories
    {
        public const string Routing = "Kernel.Routing";
        public const string Context = "Kernel.Context";
        public const string Data = "Kernel.Data";
        public const string Addons = "Kernel.Addons";
        public const string Jobs = "Kernel.Jobs";
    }
}
