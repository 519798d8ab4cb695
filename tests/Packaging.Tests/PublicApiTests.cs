using System.Reflection;
using PublicApiGenerator;

namespace Packaging.Tests;

/// <summary>
/// The public API of every package, approved in <c>PublicApi/&lt;package&gt;.verified.txt</c>. A change to the public
/// surface fails here until it is accepted: run <c>KERNEL_ACCEPT_API=1 dotnet test tests/Packaging.Tests</c> and
/// review the diff of the .verified.txt files like any other change.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => ["Kernel", "Kernel.Testing", "Addons.Requests"];

    [Theory]
    [MemberData(nameof(Packages))]
    public void Public_API_is_approved(string package)
    {
        // Extension methods live in the namespaces they extend (Microsoft.AspNetCore.Builder,
        // Microsoft.Extensions.DependencyInjection, …), which the generator skips unless allowed: they are API too.
        var assembly = Assembly.Load(package);
        var actual = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false, AllowNamespacePrefixes = ["Microsoft", "System"] })
            .ReplaceLineEndings("\n");
        var file = Path.Combine(RepositoryPaths.TestProject, "PublicApi", package + ".verified.txt");

        if (Environment.GetEnvironmentVariable("KERNEL_ACCEPT_API") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }

        Assert.True(File.Exists(file), $"{file} does not exist. Run KERNEL_ACCEPT_API=1 dotnet test tests/Packaging.Tests to create it.");
        var approved = File.ReadAllText(file).ReplaceLineEndings("\n");
        Assert.True(
            approved == actual,
            $"The public API of {package} changed. If intended, run KERNEL_ACCEPT_API=1 dotnet test tests/Packaging.Tests and commit the diff of {file}.\n{Diff(approved, actual)}");
    }

    private static string Diff(string approved, string actual)
    {
        var before = approved.Split('\n').ToHashSet(StringComparer.Ordinal);
        var after = actual.Split('\n').ToHashSet(StringComparer.Ordinal);
        var removed = approved.Split('\n').Where(l => !after.Contains(l)).Select(l => "- " + l);
        var added = actual.Split('\n').Where(l => !before.Contains(l)).Select(l => "+ " + l);
        return string.Join('\n', removed.Concat(added).Take(60));
    }
}
