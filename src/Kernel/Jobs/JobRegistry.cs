using Kernel.Addons;

namespace Kernel.Jobs;

/// <summary>Every job type the app's addons declare, by name; duplicates are a start-up error naming both addons.</summary>
internal sealed class JobRegistry
{
    private readonly Dictionary<string, JobDefinition> _byName = new(StringComparer.Ordinal);

    public JobRegistry(AddonRegistry addons)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var addon in addons.Ordered)
        {
            foreach (var job in addon.Manifest.Jobs)
            {
                if (!owners.TryAdd(job.Name, addon.Manifest.Name))
                {
                    throw new AddonGraphException(
                        $"Job type '{job.Name}' is declared by both '{owners[job.Name]}' and '{addon.Manifest.Name}'. Job type names must be unique.");
                }

                _byName.Add(job.Name, job);
            }
        }
    }

    public IEnumerable<JobDefinition> All => _byName.Values;

    public JobDefinition? Find(string name) => _byName.GetValueOrDefault(name);
}
