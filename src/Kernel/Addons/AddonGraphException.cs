namespace Kernel;

/// <summary>The addon graph is invalid: a dependency is missing, cyclic, or an addon is registered twice.</summary>
public sealed class AddonGraphException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AddonGraphException()
    {
    }

    /// <summary>Creates the exception with a message naming the chain.</summary>
    /// <param name="message">The message.</param>
    public AddonGraphException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AddonGraphException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
