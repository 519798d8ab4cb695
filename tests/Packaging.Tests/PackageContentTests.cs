using System.IO.Compression;
using System.Xml.Linq;

namespace Packaging.Tests;

[Collection(PackedFeedCollection.Name)]
public sealed class PackageContentTests(PackedFeed feed)
{
    [Theory]
    [InlineData("Kernel")]
    [InlineData("Kernel.Testing")]
    [InlineData("Addons.Requests")]
    public void Each_package_has_its_library_docs_readme_license_repository_and_symbols(string package)
    {
        using var nupkg = ZipFile.OpenRead(feed.PackagePath(package));
        var entries = nupkg.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains($"lib/net10.0/{package}.dll", entries);
        Assert.Contains($"lib/net10.0/{package}.xml", entries);
        Assert.Contains("README.md", entries);

        var metadata = Nuspec(nupkg);
        Assert.Equal("MIT", Element(metadata, "license")?.Value);
        Assert.Equal("README.md", Element(metadata, "readme")?.Value);
        var repository = Element(metadata, "repository");
        Assert.NotNull(repository);
        Assert.False(string.IsNullOrEmpty(repository!.Attribute("commit")?.Value), "The repository commit (SourceLink) is missing.");

        using var symbols = ZipFile.OpenRead(feed.PackagePath(package, "snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{package}.pdb");
    }

    [Fact]
    public void Kernel_carries_the_analyzers_and_code_fixes_but_no_dependency_on_them()
    {
        using var nupkg = ZipFile.OpenRead(feed.PackagePath("Kernel"));
        var entries = nupkg.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("analyzers/dotnet/cs/Kernel.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Kernel.Analyzers.CodeFixes.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Analyzers", StringComparison.Ordinal));

        var dependencies = Nuspec(nupkg).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value);
        Assert.DoesNotContain(dependencies, id => id.StartsWith("Kernel.Analyzers", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kernel-app")]
    [InlineData("kernel-addon")]
    public void The_templates_reference_the_Kernel_of_their_own_release_and_ship_no_assembly(string template)
    {
        using var nupkg = ZipFile.OpenRead(feed.PackagePath("Kernel.Templates"));
        Assert.DoesNotContain(nupkg.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Equal("Template", Element(Nuspec(nupkg), "packageTypes")?.Elements().Single().Attribute("name")?.Value);

        var config = nupkg.GetEntry($"content/{template}/.template.config/template.json");
        Assert.NotNull(config);
        using var reader = new StreamReader(config!.Open());
        var json = reader.ReadToEnd();
        Assert.Contains($"\"defaultValue\": \"{feed.Version}\"", json, StringComparison.Ordinal);
        Assert.Contains(nupkg.Entries, e => e.FullName == $"content/{template}/src/KernelAddon/Migrations/0001_items.sql");
    }

    private static XElement Nuspec(ZipArchive nupkg)
    {
        var entry = nupkg.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Element(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);
}
