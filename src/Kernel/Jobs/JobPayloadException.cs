namespace Kernel.Jobs;

/// <summary>A stored payload no longer deserialises: retrying cannot help, so the job goes straight to dead.</summary>
internal sealed class JobPayloadException : Exception
{
    public JobPayloadException(string message)
        : base(message)
    {
    }

    public JobPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
