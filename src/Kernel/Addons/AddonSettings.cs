namespace Kernel;

/// <summary>
/// An addon's per-tenant settings declaration (<see cref="AddonManifest.Settings"/>): a class with a public
/// parameterless constructor whose property initialisers are the defaults and whose DataAnnotations attributes are the
/// rules, validated like options (on every change, and the plans' defaults at start-up). Members are serialised by
/// their camel-case JSON names; unknown members in a change are refused, not dropped.
/// </summary>
public sealed class AddonSettings
{
    private AddonSettings(Type type) => Type = type;

    /// <summary>The settings class.</summary>
    public Type Type { get; }

    /// <summary>Declares <typeparamref name="TSettings"/> as the addon's settings.</summary>
    /// <typeparam name="TSettings">The settings class; its instances are shared once read, so treat them as read-only.</typeparam>
    /// <returns>The declaration, for <see cref="AddonManifest.Settings"/>.</returns>
    public static AddonSettings Of<TSettings>()
        where TSettings : class, new() => new(typeof(TSettings));
}

/// <summary>
/// Marks a setting that only the tenant's plan sets: tenant admins see it but may not change it (a change naming it is
/// <c>400 VALIDATION_FAILED</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class PlanOnlyAttribute : Attribute;
