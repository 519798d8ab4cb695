namespace Packaging.Tests;

/// <summary>
/// Packs Kernel, Kernel.Testing, Addons.Requests and Kernel.Templates once per test run into a local folder feed
/// (through build/pack-local.sh), with a version
/// of their own (so no cached package of the same version is picked up) and build outputs in a temporary
/// artifacts folder (so the repository's bin/obj are not touched while other test projects run).
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] Packages = ["Kernel", "Kernel.Testing", "Addons.Requests", "Kernel.Templates"];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kernel-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; } = "0.0.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Packs through <c>build/pack-local.sh</c>, the script the README's from-a-clone path runs, into this run's folders.</summary>
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var (exitCode, output) = await DotNet.RunProgramAsync(
            "bash",
            RepositoryPaths.Root,
            TimeSpan.FromMinutes(20),
            new Dictionary<string, string>
            {
                ["KERNEL_PACKAGE_VERSION"] = Version,
                ["KERNEL_FEED"] = Feed,
                ["KERNEL_BUILD_ARTIFACTS"] = Path.Combine(Root, "artifacts"),
                ["KERNEL_SKIP_TEMPLATE_INSTALL"] = "1",
            },
            Path.Combine(RepositoryPaths.Root, "build", "pack-local.sh"));
        Assert.True(exitCode == 0, $"build/pack-local.sh failed:\n{output}");
        foreach (var package in Packages)
        {
            Assert.True(File.Exists(PackagePath(package)), $"build/pack-local.sh did not pack {package}:\n{output}");
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Makes <paramref name="directory"/> a folder of its own, as on a team's machine: nothing of the repository's
    /// build policy or package versions leaks in, and the kernel's packages come from the feed only (everything
    /// else from the normal NuGet source).
    /// </summary>
    public void Isolate(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        // The restore configuration build/pack-local.sh writes beside the feed: the one the README tells a team to copy.
        File.Copy(Path.Combine(Root, "nuget.config"), Path.Combine(directory, "nuget.config"), overwrite: true);
    }

    public string PackagePath(string package, string extension = "nupkg") => Path.Combine(Feed, $"{package}.{Version}.{extension}");
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
