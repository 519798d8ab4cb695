namespace Kernel;

/// <summary>
/// Scoped holder: the route wrapper or job runner sets the context once for its service scope; everything
/// resolved from that scope reads the same value.
/// </summary>
internal sealed class KernelContextAccessor : IKernelContextAccessor
{
    private KernelContext? _current;

    public KernelContext Current => _current ?? throw new InvalidOperationException(
        "No KernelContext is established. It exists only inside a kernel route or job.");

    internal bool IsEstablished => _current is not null;

    internal void Establish(KernelContext context)
    {
        if (_current is not null)
        {
            throw new InvalidOperationException("The KernelContext of a scope is established once.");
        }

        _current = context;
    }
}
