namespace Kernel.LoadHarness;

/// <summary>Where this repository's checkout is: the folder above the harness's binaries that holds <c>Kernel.sln</c>.</summary>
internal static class Repository
{
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Kernel.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Kernel.sln not found above " + AppContext.BaseDirectory);
    }
}
