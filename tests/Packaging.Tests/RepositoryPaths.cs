using System.Runtime.CompilerServices;

namespace Packaging.Tests;

/// <summary>Where the repository and this test project's sources are, found from this file's compile-time path.</summary>
internal static class RepositoryPaths
{
    public static string TestProject { get; } = Path.GetDirectoryName(ThisFile())!;

    public static string Root { get; } = Path.GetFullPath(Path.Combine(TestProject, "..", ".."));

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
