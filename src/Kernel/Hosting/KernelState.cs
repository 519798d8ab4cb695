using Microsoft.AspNetCore.Routing;

namespace Kernel.Hosting;

/// <summary>Start-up bookkeeping: the route builder <c>MapKernel</c> ran on, whose endpoints the start-up check inspects.</summary>
internal sealed class KernelState
{
    public IEndpointRouteBuilder? MappedOn { get; set; }
}
