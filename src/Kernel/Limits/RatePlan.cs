using System.Collections.Concurrent;

namespace Kernel.Limits;

/// <summary>
/// The request's tenant's plan, as a request feature the route wrapper sets for the rate limiter (which takes the plan's
/// budgets, <see cref="KernelPlan.RateLimits"/>). One shared instance per plan name, so setting it allocates nothing.
/// </summary>
internal sealed class RatePlan
{
    private static readonly ConcurrentDictionary<string, RatePlan> Instances = new(StringComparer.Ordinal);

    private RatePlan(string name) => Name = name;

    public string Name { get; }

    public static RatePlan Of(string name) => Instances.GetOrAdd(name, static n => new RatePlan(n));
}
