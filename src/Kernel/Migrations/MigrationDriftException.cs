namespace Kernel;

/// <summary>An applied migration was edited or removed after it ran; the database and the code disagree.</summary>
public sealed class MigrationDriftException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationDriftException()
    {
    }

    /// <summary>Creates the exception with a message naming the file.</summary>
    /// <param name="message">The message.</param>
    public MigrationDriftException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MigrationDriftException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
