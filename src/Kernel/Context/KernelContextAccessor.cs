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

    /// <summary>Whether the work must not write (a GET or HEAD route): its unit of work then runs read-only, without a transaction of its own.</summary>
    internal bool ReadOnly { get; private set; }

    internal void Establish(KernelContext context, bool readOnly = false)
    {
        if (_current is not null)
        {
            throw new InvalidOperationException("The KernelContext of a scope is established once.");
        }

        _current = context;
        ReadOnly = readOnly;
    }
}
