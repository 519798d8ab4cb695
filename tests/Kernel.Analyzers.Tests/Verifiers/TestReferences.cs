using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Kernel.Analyzers.Tests.Verifiers;

/// <summary>
/// References for the test compilations, built offline from the running test host: the .NET and ASP.NET Core
/// shared frameworks plus Kernel, Npgsql, linq2db and Coravel, which this project copies next to itself. The test
/// framework's own assemblies are left out so a test compilation sees what a consumer would.
/// </summary>
internal static class TestReferences
{
    private static readonly string[] Excluded =
    [
        "Microsoft.CodeAnalysis", "Kernel.Analyzers", "xunit", "Microsoft.TestPlatform", "Microsoft.VisualStudio",
        "testhost", "NuGet.", "DiffPlex", "Microsoft.VisualBasic.Forms",
    ];

    /// <summary>No reference package: everything comes from <see cref="All"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> All { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return
        [
            .. paths
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Where(p => !Excluded.Any(prefix => Path.GetFileName(p).StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        ];
    }
}
