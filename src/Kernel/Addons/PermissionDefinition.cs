namespace Kernel;

/// <summary>A permission an addon defines.</summary>
/// <param name="Name">The dotted permission name, e.g. <c>requests.read</c>.</param>
/// <param name="Description">What holding it allows.</param>
public sealed record PermissionDefinition(string Name, string Description);
