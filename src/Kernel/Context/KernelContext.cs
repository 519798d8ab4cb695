using System.Diagnostics;

namespace Kernel;

/// <summary>
/// Who is acting, for which tenant, under which correlation and trace. Established by the kernel alone: by the
/// route wrapper for HTTP requests and by the job runner for jobs. Handlers receive it; they never derive a
/// tenant from headers, claims or payloads themselves.
/// </summary>
public sealed record KernelContext
{
    internal KernelContext(Guid? tenantId, KernelActor? actor, string correlationId, ActivityContext trace)
    {
        TenantId = tenantId;
        Actor = actor;
        CorrelationId = correlationId;
        Trace = trace;
    }

    /// <summary>The tenant the work runs for, or <see langword="null"/> on public and system work.</summary>
    public Guid? TenantId { get; }

    /// <summary>The acting principal, or <see langword="null"/> when anonymous.</summary>
    public KernelActor? Actor { get; }

    /// <summary>The correlation id echoed to the caller and carried into jobs.</summary>
    public string CorrelationId { get; }

    /// <summary>The W3C trace context of the work.</summary>
    public ActivityContext Trace { get; }

    /// <summary>The tenant id, or a <see cref="KernelException"/> (TENANT_REQUIRED) when there is none.</summary>
    public Guid RequiredTenantId => TenantId ?? throw KernelException.TenantRequired();

    /// <summary>The actor, or a <see cref="KernelException"/> (UNAUTHENTICATED) when anonymous.</summary>
    public KernelActor RequiredActor => Actor ?? throw KernelException.Unauthenticated();
}
