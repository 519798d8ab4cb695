namespace Packaging.Tests;

/// <summary>
/// What a new team does first, from the packed feed: install the templates, create an app and a second addon, build
/// with the KRN analyzers on (and warnings as errors, as the templates set them), and run the generated tests
/// against a real PostgreSQL. The commands are docs/getting-started.md's.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class TemplateTests(PackedFeed feed)
{
    [Fact]
    public async Task A_new_app_with_a_second_addon_builds_without_warnings_and_its_tests_pass()
    {
        var root = Path.Combine(feed.Root, "templates");
        feed.Isolate(root);
        var hive = Path.Combine(root, "hive");
        var app = Path.Combine(root, "Acme");

        await RunAsync(root, "new", "install", feed.PackagePath("Kernel.Templates"), "--debug:custom-hive", hive);
        await RunAsync(root, "new", "kernel-app", "-n", "Acme", "--debug:custom-hive", hive);
        await RunAsync(app, "new", "kernel-addon", "-n", "Billing", "--debug:custom-hive", hive);
        await RunAsync(app, "sln", "add", "src/Billing", "tests/Billing.Tests");
        await RunAsync(app, "add", "src/Acme", "reference", "src/Billing");
        var program = Path.Combine(app, "src", "Acme", "Program.cs");
        var source = await File.ReadAllTextAsync(program);
        Assert.Contains(".AddAddon<NotesAddon>()", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(program, source.Replace(".AddAddon<NotesAddon>()", ".AddAddon<NotesAddon>().AddAddon<Billing.BillingAddon>()", StringComparison.Ordinal));

        var build = await RunAsync(app, "build", "-c", "Release");
        Assert.Contains(" 0 Warning(s)", build, StringComparison.Ordinal);
        Assert.DoesNotContain(": warning ", build, StringComparison.Ordinal);

        var test = await RunAsync(app, "test", "-c", "Release", "--no-build");
        foreach (var project in new[] { "Acme.Tests", "Notes.Tests", "Billing.Tests" })
        {
            Assert.Matches($@"Passed!.*Failed:\s+0, Passed:\s+[1-9]\d*.*{project.Replace(".", @"\.", StringComparison.Ordinal)}\.dll", test);
        }
    }

    private static async Task<string> RunAsync(string directory, params string[] arguments)
    {
        var (exitCode, output) = await DotNet.RunAsync(directory, TimeSpan.FromMinutes(8), arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{output}");
        return output;
    }
}
