using System.ComponentModel.DataAnnotations;

namespace KernelAddon;

/// <summary>
/// The addon's settings per tenant. The property initialisers are the defaults, a plan may override them
/// (<c>Kernel:Tenancy:Plans:{plan}:Settings:kerneladdon</c>), and a tenant's admins may override those
/// (<c>PUT /api/settings/kerneladdon</c>, camel-case members, validated by the attributes below). Mark a property
/// <c>[PlanOnly]</c> when only the plan may set it (a limit a customer pays for).
/// </summary>
public sealed class KernelAddonSettings
{
    /// <summary>The longest item title the tenant accepts. From 1 to 200. The default value is 200.</summary>
    [Range(1, 200)]
    public int MaxTitleLength { get; set; } = 200;
}
