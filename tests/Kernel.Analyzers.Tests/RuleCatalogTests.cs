using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Kernel.Analyzers.Tests;

/// <summary>Every rule is documented, tracked for release and served by an analyzer.</summary>
public sealed class RuleCatalogTests
{
    public static TheoryData<string> RuleIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var descriptor in Descriptors())
            {
                data.Add(descriptor.Id);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_a_doc_page_with_bad_and_good_code_and_the_reason(string id)
    {
        var page = Path.Combine(AppContext.BaseDirectory, "rules", id + ".md");
        Assert.True(File.Exists(page), $"docs/rules/{id}.md is missing.");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: ", text, StringComparison.Ordinal);
        Assert.Contains("## Bad", text, StringComparison.Ordinal);
        Assert.Contains("## Good", text, StringComparison.Ordinal);
        Assert.Contains("## Why", text, StringComparison.Ordinal);

        var index = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules", "README.md"));
        Assert.Contains($"[{id}]({id}.md)", index, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_links_to_its_page_and_says_what_to_do(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        Assert.Equal($"https://github.com/kernel-dotnet/kernel/blob/main/docs/rules/{id}.md", descriptor.HelpLinkUri);
        Assert.Matches("^KRN[1-5][0-9]{3}$", id);
        Assert.True(descriptor.IsEnabledByDefault);
        Assert.StartsWith("Kernel.", descriptor.Category, StringComparison.Ordinal);
        Assert.True(descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture).Split(". ").Length >= 2,
            "The message says what is wrong and then what to do instead.");
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_a_release_tracking_line(string id)
    {
        var descriptor = Descriptors().Single(d => d.Id == id);
        var releases = string.Join('\n', Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "releases"), "AnalyzerReleases.*.md").Select(File.ReadAllText));
        var line = releases.Split('\n').SingleOrDefault(l => l.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"{id} has no line in AnalyzerReleases.Unshipped.md or Shipped.md.");
        var cells = line!.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Category, cells[1]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[2]);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_is_reported_by_exactly_one_analyzer(string id) =>
        Assert.Single(Analyzers(), a => a.SupportedDiagnostics.Any(d => d.Id == id));

    [Fact]
    public void Every_analyzer_reports_only_catalogued_rules()
    {
        var ids = Descriptors().Select(d => d.Id).ToHashSet();
        foreach (var analyzer in Analyzers())
        {
            Assert.All(analyzer.SupportedDiagnostics, d => Assert.Contains(d.Id, ids));
        }
    }

    private static IEnumerable<DiagnosticDescriptor> Descriptors() =>
        typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    private static IEnumerable<DiagnosticAnalyzer> Analyzers() =>
        typeof(DiagnosticDescriptors).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!);
}
