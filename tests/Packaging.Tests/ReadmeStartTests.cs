using System.Text.RegularExpressions;

namespace Packaging.Tests;

/// <summary>
/// The README's "Start a new app" block, run as it is written: its commands are read from README.md (not copied
/// here), run by bash from a scratch copy of the clone (<c>src/</c> and <c>build/</c> copied, the other entries
/// linked, an <c>artifacts/</c> folder of its own) with a <c>DOTNET_CLI_HOME</c> of their own, so the machine's installed templates are not touched, and
/// they must reach a generated app whose tests pass, with a second addon.
/// </summary>
[Collection(PackedFeedCollection.Name)] // Not alongside the other packing: the machine has two cores.
public sealed partial class ReadmeStartTests
{
    [Fact]
    public async Task The_readme_start_block_run_literally_from_a_clone_reaches_a_tested_app()
    {
        var commands = StartBlock(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")));
        Assert.Contains(commands, c => c.StartsWith("build/pack-local.sh", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("dotnet test", StringComparison.Ordinal));

        var root = Path.Combine(Path.GetTempPath(), "kernel-readme-" + Guid.NewGuid().ToString("N")[..12]);
        var clone = Path.Combine(root, "clone");
        try
        {
            Directory.CreateDirectory(clone);
            foreach (var entry in Directory.EnumerateFileSystemEntries(RepositoryPaths.Root))
            {
                var name = Path.GetFileName(entry);
                if (name is "artifacts" or "TestResults")
                {
                    continue;
                }

                // What gets built is copied (MSBuild and NuGet would see a project through a link under two paths);
                // the rest is linked.
                if (name is "src" or "build")
                {
                    CopySources(entry, Path.Combine(clone, name));
                }
                else
                {
                    File.CreateSymbolicLink(Path.Combine(clone, name), entry);
                }
            }

            // Nothing above the app may lend it build settings (a temp folder has none; say so anyway).
            File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />");
            File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project />");

            var script = Path.Combine(root, "readme-start.sh");
            await File.WriteAllTextAsync(script, "set -euxo pipefail\n" + string.Join('\n', commands) + "\n");
            var home = Path.Combine(root, "home");
            Directory.CreateDirectory(home);
            var (exitCode, output) = await DotNet.RunProgramAsync(
                "bash",
                clone,
                TimeSpan.FromMinutes(30),
                new Dictionary<string, string>
                {
                    // A template hive (and dotnet first-run state) of its own; the machine's package cache stays shared,
                    // which is safe because every run of the script packs a version of its own.
                    ["DOTNET_CLI_HOME"] = home,
                    ["NUGET_PACKAGES"] = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
                    ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
                },
                script);

            Assert.True(exitCode == 0, $"The README's start block failed ({exitCode}):\n{output}");
            foreach (var project in new[] { "Acme.Tests", "Notes.Tests" })
            {
                Assert.Matches($@"Passed!.*Failed:\s+0, Passed:\s+[1-9]\d*.*{Regex.Escape(project)}\.dll", output);
            }

            Assert.True(File.Exists(Path.Combine(root, "Acme", "src", "Billing", "BillingAddon.cs")), "kernel-addon wrote no src/Billing.");
            Assert.True(Directory.Exists(Path.Combine(home, ".templateengine")), "The templates were not installed into the test's own hive.");
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(directory) is not ("bin" or "obj" or "node_modules"))
            {
                CopySources(directory, Path.Combine(to, Path.GetFileName(directory)));
            }
        }
    }

    /// <summary>The commands of the first <c>bash</c> block under "## Start a new app", each without its trailing comment.</summary>
    internal static IReadOnlyList<string> StartBlock(string readme)
    {
        var section = readme.ReplaceLineEndings("\n");
        section = section[section.IndexOf("\n## Start a new app\n", StringComparison.Ordinal)..];
        var block = BashBlock().Match(section);
        Assert.True(block.Success, "README.md has no bash block under \"Start a new app\".");
        return block.Groups[1].Value.Split('\n')
            .Select(line => TrailingComment().Replace(line, "").Trim())
            .Where(line => line.Length > 0)
            .ToList();
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    // A comment is a '#' after whitespace (none of the commands has a '#' of its own).
    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex TrailingComment();
}
