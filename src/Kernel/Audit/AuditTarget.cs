namespace Kernel.Audit;

/// <summary>The scoped <see cref="IAuditTarget"/>: what the handler said it acted on, if anything.</summary>
internal sealed class AuditTarget : IAuditTarget
{
    public const int MaxLength = 200;

    public string? Type { get; private set; }

    public string? Id { get; private set; }

    /// <summary>Extra facts of a platform operator's action (for example rows erased per table), kept in the platform audit stream.</summary>
    public System.Text.Json.Nodes.JsonObject? Details { get; set; }

    /// <summary>
    /// Whether a platform operator's action is also filed in the target tenant's own audit log. The default value is
    /// <see langword="true"/>; erasure turns it off (the tenant's log is among what it erases).
    /// </summary>
    public bool TenantLog { get; set; } = true;

    public void Set(string type, string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Type = Truncate(type);
        Id = Truncate(id);
    }

    internal static string Truncate(string value) => value.Length <= MaxLength ? value : value[..MaxLength];
}
