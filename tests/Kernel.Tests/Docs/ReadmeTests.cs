namespace Kernel.Tests.Docs;

public sealed class ReadmeTests
{
    [Fact]
    public void The_readme_addon_example_is_the_one_this_project_compiles()
    {
        var root = FindRepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var compiled = File.ReadAllText(Path.Combine(root, "tests", "Kernel.Tests", "Docs", "NotesAddon.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + compiled + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_test_command_is_the_one_ci_runs()
    {
        var root = FindRepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var ci = File.ReadAllText(Path.Combine(root, ".ci", "run"));

        const string testCommand = "dotnet test Kernel.sln -c Release";
        Assert.Contains(testCommand, readme, StringComparison.Ordinal);
        Assert.Contains(testCommand, ci, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project samples/WebHost -- demo", readme, StringComparison.Ordinal);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kernel.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Kernel.sln not found above the test output.");
    }
}
