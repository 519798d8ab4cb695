namespace Kernel.Addons;

/// <summary>Orders addons by dependency and rejects missing, cyclic and duplicate addons with the chain named.</summary>
internal static class AddonGraph
{
    public static IReadOnlyList<IAddon> Order(IReadOnlyList<IAddon> addons)
    {
        var byName = new Dictionary<string, IAddon>(StringComparer.Ordinal);
        foreach (var addon in addons)
        {
            var name = addon.Manifest.Name;
            if (byName.TryGetValue(name, out var existing))
            {
                throw new AddonGraphException(
                    $"Addon '{name}' is registered twice ({existing.GetType().FullName} and {addon.GetType().FullName}). Addon names must be unique.");
            }

            byName.Add(name, addon);
        }

        var ordered = new List<IAddon>(addons.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false = visiting, true = done
        var path = new List<string>();

        // Visit in registration order so independent addons keep the order the app gave them.
        foreach (var addon in addons)
        {
            Visit(addon.Manifest.Name);
        }

        return ordered;

        void Visit(string name)
        {
            if (state.TryGetValue(name, out var done))
            {
                if (!done)
                {
                    var start = path.IndexOf(name);
                    var cycle = string.Join(" -> ", path.Skip(start).Append(name));
                    throw new AddonGraphException($"Addon dependencies form a cycle: {cycle}.");
                }

                return;
            }

            var addon = byName[name];
            state[name] = false;
            path.Add(name);
            foreach (var dependency in addon.Manifest.DependsOn)
            {
                if (!byName.ContainsKey(dependency))
                {
                    var chain = string.Join(" -> ", path.Append(dependency));
                    throw new AddonGraphException(
                        $"Addon '{name}' depends on '{dependency}', which is not registered ({chain}). Add it with AddAddon<...>().");
                }

                Visit(dependency);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = true;
            ordered.Add(addon);
        }
    }
}
