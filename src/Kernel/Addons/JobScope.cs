namespace Kernel;

/// <summary>Whose work a job type is.</summary>
public enum JobScope
{
    /// <summary>A tenant's work: enqueued with a tenant in context and run under that tenant's row-level security.</summary>
    Tenant,

    /// <summary>System work with no tenant (heartbeats, sweeps over all tenants); it sees no tenant rows.</summary>
    System,
}
