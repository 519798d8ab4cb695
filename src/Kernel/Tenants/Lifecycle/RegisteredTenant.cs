namespace Kernel.Tenants.Lifecycle;

/// <summary>A tenant as the lifecycle reads it from the registry (as the owner).</summary>
internal sealed record RegisteredTenant(Guid Id, string Slug, string Name, string Status, string? StatusReason, int Version);
