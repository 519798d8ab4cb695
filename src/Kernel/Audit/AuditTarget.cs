namespace Kernel.Audit;

/// <summary>The scoped <see cref="IAuditTarget"/>: what the handler said it acted on, if anything.</summary>
internal sealed class AuditTarget : IAuditTarget
{
    public const int MaxLength = 200;

    public string? Type { get; private set; }

    public string? Id { get; private set; }

    public void Set(string type, string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Type = Truncate(type);
        Id = Truncate(id);
    }

    internal static string Truncate(string value) => value.Length <= MaxLength ? value : value[..MaxLength];
}
