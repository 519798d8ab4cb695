using Kernel.Analyzers.Routing;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Kernel.Analyzers.Tests;

public sealed class NoKernelTests
{
    [Fact]
    public async Task A_project_without_the_kernel_is_not_analyzed()
    {
        // The same raw mapping that KRN1001 reports in a kernel app; here the Kernel is not referenced.
        var test = new CSharpAnalyzerTest<RawEndpointMappingAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = Verifiers.TestReferences.None,
            TestCode = """
                using Microsoft.AspNetCore.Builder;

                static class Endpoints
                {
                    public static void Map(WebApplication app) => app.MapGet("/x", () => "x");
                }
                """,
        };
        test.TestState.AdditionalReferences.AddRange(
            Verifiers.TestReferences.All.Where(r => !string.Equals(Path.GetFileName(r.Display), "Kernel.dll", StringComparison.Ordinal)));
        await test.RunAsync();
    }
}
