namespace Packaging.Tests;

/// <summary>
/// Packs Kernel, Kernel.Testing, Addons.Requests and Kernel.Templates once per test run into a local folder feed, with a version
/// of their own (so no cached package of the same version is picked up) and build outputs in a temporary
/// artifacts folder (so the repository's bin/obj are not touched while other test projects run).
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] Packages = ["Kernel", "Kernel.Testing", "Addons.Requests", "Kernel.Templates"];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kernel-packaging-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; } = "0.0.0-pkgtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var package in Packages)
        {
            var project = Path.Combine(RepositoryPaths.Root, "src", package, package + ".csproj");
            var (exitCode, output) = await DotNet.RunAsync(
                RepositoryPaths.Root,
                TimeSpan.FromMinutes(8),
                "pack", project, "-c", "Release", "-o", Feed,
                "--artifacts-path", Path.Combine(Root, "artifacts"),
                "-p:Version=" + Version);
            Assert.True(exitCode == 0, $"dotnet pack {package} failed:\n{output}");
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
        var local = string.Concat(Packages.Select(p => $"""<package pattern="{p}" />"""));
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local">{local}</packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    public string PackagePath(string package, string extension = "nupkg") => Path.Combine(Feed, $"{package}.{Version}.{extension}");
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
