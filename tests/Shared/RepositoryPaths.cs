namespace Tests.Shared;

/// <summary>
/// Where the repository is, found by walking up from the test output to <c>Kernel.sln</c>. (Not
/// <c>[CallerFilePath]</c>: CI builds are deterministic and map source paths to <c>/_/</c>.)
/// </summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kernel.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"Kernel.sln not found above {AppContext.BaseDirectory}.");
    }
}
