namespace Kernel.Audit;

/// <summary>The outcomes an audit entry records. Rolled-back changes leave no entry at all.</summary>
internal static class AuditOutcome
{
    /// <summary>The change committed; written in the change's own transaction.</summary>
    public const string Success = "success";

    /// <summary>An authenticated actor of the tenant was refused (403); written in a transaction of its own.</summary>
    public const string Denied = "denied";
}
