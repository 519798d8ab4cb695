namespace Kernel;

/// <summary>Reads the <see cref="KernelContext"/> of the current route or job.</summary>
public interface IKernelContextAccessor
{
    /// <summary>The current context. Throws <see cref="InvalidOperationException"/> outside a route or job.</summary>
    KernelContext Current { get; }
}
