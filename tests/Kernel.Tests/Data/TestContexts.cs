using System.Diagnostics;

namespace Kernel.Tests.Data;

/// <summary>A context accessor established for a tenant (or none) and the actor <c>tester</c>, for units of work built by hand.</summary>
internal static class TestContexts
{
    public static KernelContextAccessor Accessor(Guid? tenant)
    {
        var accessor = new KernelContextAccessor();
        accessor.Establish(new KernelContext(tenant, new KernelActor("tester", new HashSet<string>()), "corr", default(ActivityContext)));
        return accessor;
    }
}
