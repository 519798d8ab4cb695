using System.Collections.Frozen;
using Kernel.Addons;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Kernel.Tenants;

/// <summary>
/// Which addons are optional, what they depend on, and the plans (<see cref="KernelTenancyOptions.Plans"/>), validated
/// when it is built (at start-up): a tenant's enabled addons are computed here from its plan and its overrides, and the
/// switches are checked against the dependency graph here.
/// </summary>
internal sealed class AddonCatalog
{
    private readonly FrozenDictionary<string, IAddon> _addons;
    private readonly FrozenDictionary<string, FrozenSet<string>> _plans;

    public AddonCatalog(AddonRegistry registry, IOptions<KernelOptions> options)
    {
        var ordered = registry.Ordered;
        _addons = ordered.ToFrozenDictionary(a => a.Manifest.Name, StringComparer.Ordinal);
        Ordered = ordered;
        Optional = ordered.Where(a => a.Manifest.Optional).Select(a => a.Manifest.Name).ToFrozenSet(StringComparer.Ordinal);
        OptionalJobTypes = ordered.Where(a => a.Manifest.Optional)
            .SelectMany(a => a.Manifest.Jobs.Select(j => (j.Name, Addon: a.Manifest.Name)))
            .ToFrozenDictionary(x => x.Name, x => x.Addon, StringComparer.Ordinal);

        var tenancy = options.Value.Tenancy;
        var problems = new List<string>();
        var plans = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        foreach (var (name, plan) in tenancy.Plans)
        {
            if (!TenantProvisioner.IsValidSlug(name))
            {
                problems.Add($"Plan name '{name}' must be 1 to 63 lower-case letters and digits with single hyphens between them.");
            }

            var addons = (plan.Addons ?? []).ToFrozenSet(StringComparer.Ordinal);
            foreach (var addon in addons)
            {
                if (!_addons.ContainsKey(addon))
                {
                    problems.Add($"Plan '{name}' lists addon '{addon}', which is not registered.");
                }
                else if (!Optional.Contains(addon))
                {
                    problems.Add($"Plan '{name}' lists addon '{addon}', which is not optional (it is on for every tenant); remove it from the plan.");
                }
                else if (MissingDependency(addon, addons) is { } chain)
                {
                    problems.Add($"Plan '{name}' lists '{addon}' but not what it depends on ({chain}).");
                }
            }

            plans[name] = addons;
        }

        if (tenancy.DefaultPlan is { } defaultPlan && !plans.ContainsKey(defaultPlan))
        {
            problems.Add($"Kernel:Tenancy:DefaultPlan names '{defaultPlan}', which is not among Kernel:Tenancy:Plans.");
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException("Kernel:Tenancy:Plans", typeof(KernelOptions), problems);
        }

        _plans = plans.ToFrozenDictionary(StringComparer.Ordinal);
        DefaultPlan = tenancy.DefaultPlan;
    }

    /// <summary>Every addon, in dependency order.</summary>
    public IReadOnlyList<IAddon> Ordered { get; }

    /// <summary>The optional addons' names.</summary>
    public FrozenSet<string> Optional { get; }

    /// <summary>Job types of optional addons, to their addon.</summary>
    public FrozenDictionary<string, string> OptionalJobTypes { get; }

    public string? DefaultPlan { get; }

    public IEnumerable<KeyValuePair<string, FrozenSet<string>>> Plans => _plans;

    public bool IsPlan(string name) => _plans.ContainsKey(name);

    public IAddon? Find(string name) => _addons.GetValueOrDefault(name);

    /// <summary>The optional addons on for a tenant on <paramref name="plan"/> with these overrides.</summary>
    public FrozenSet<string> Enabled(string? plan, IReadOnlyCollection<string> on, IReadOnlyCollection<string> off)
    {
        var fromPlan = plan is not null && _plans.TryGetValue(plan, out var listed) ? listed : FrozenSet<string>.Empty;
        if (on.Count == 0 && off.Count == 0)
        {
            return fromPlan;
        }

        var enabled = new HashSet<string>(fromPlan, StringComparer.Ordinal);
        enabled.UnionWith(on.Where(Optional.Contains));
        enabled.ExceptWith(off);
        return enabled.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Every addon on for a tenant whose enabled optional addons are <paramref name="enabled"/>, in dependency order.</summary>
    public IReadOnlyList<string> All(FrozenSet<string> enabled) =>
        Ordered.Select(a => a.Manifest.Name).Where(name => !Optional.Contains(name) || enabled.Contains(name)).ToList();

    /// <summary>
    /// The first chain from <paramref name="addon"/> to an optional dependency that is not in <paramref name="enabled"/>
    /// (<c>a -> b -> c</c>), or null when all its dependencies are on.
    /// </summary>
    public string? MissingDependency(string addon, IReadOnlySet<string> enabled)
    {
        var path = new List<string> { addon };
        return Walk(addon);

        string? Walk(string name)
        {
            foreach (var dependency in _addons[name].Manifest.DependsOn)
            {
                path.Add(dependency);
                if (Optional.Contains(dependency) && !enabled.Contains(dependency))
                {
                    return string.Join(" -> ", path) + " (off)";
                }

                if (Walk(dependency) is { } chain)
                {
                    return chain;
                }

                path.RemoveAt(path.Count - 1);
            }

            return null;
        }
    }

    /// <summary>The enabled optional addons that depend (directly or not) on <paramref name="addon"/>.</summary>
    public IReadOnlyList<string> Dependents(string addon, IReadOnlySet<string> enabled) =>
        enabled.Where(other => other != addon && DependsOn(other, addon)).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Writes the plans' addon lists and the optional addons' job types to the database, where the job claim reads
    /// them (<c>kernel.sync_addon_catalog</c>): a tenant's job of an addon that is off for it waits.
    /// </summary>
    public async Task SyncAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var planAddons = _plans.SelectMany(p => p.Value.Select(a => (Plan: p.Key, Addon: a))).ToArray();
        await using var command = dataSource.CreateCommand("select kernel.sync_addon_catalog($1, $2, $3, $4)");
        command.Parameters.Add(TextArray(planAddons.Select(x => x.Plan)));
        command.Parameters.Add(TextArray(planAddons.Select(x => x.Addon)));
        command.Parameters.Add(TextArray(OptionalJobTypes.Keys));
        command.Parameters.Add(TextArray(OptionalJobTypes.Values));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        static NpgsqlParameter TextArray(IEnumerable<string> values) =>
            new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
    }

    private bool DependsOn(string addon, string dependency) =>
        _addons[addon].Manifest.DependsOn.Any(d => d == dependency || DependsOn(d, dependency));
}
