using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Kernel.Analyzers.Tests.Verifiers;

/// <summary>Runs one analyzer over test sources that reference the real Kernel.</summary>
internal static class AnalyzerVerifier<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>Analyzes <paramref name="source"/> and expects exactly <paramref name="expected"/>.</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = Create();
        test.TestCode = source;
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Analyzes <paramref name="source"/> in a project that references a second project,
    /// <paramref name="otherName"/>, made of <paramref name="otherSource"/>.
    /// </summary>
    public static Task VerifyWithReferenceAsync(string source, string otherName, string otherSource, params DiagnosticResult[] expected)
    {
        var test = Create();
        test.TestCode = source;
        var other = new ProjectState(otherName, LanguageNames.CSharp, "/1/Other", "cs");
        other.Sources.Add(($"/{otherName}/Other.cs", otherSource));
        other.AdditionalReferences.AddRange(TestReferences.All);
        test.TestState.AdditionalProjects.Add(otherName, other);
        test.TestState.AdditionalProjectReferences.Add(otherName);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> Create()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            ReferenceAssemblies = TestReferences.None,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.SolutionTransforms.Add(KernelTestSolution.Configure);
        return test;
    }
}

/// <summary>Runs one analyzer and one code fix: diagnostics before, source after.</summary>
internal static class CodeFixVerifier<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    public static Task VerifyAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            ReferenceAssemblies = TestReferences.None,
            TestCode = source,
            FixedCode = fixedSource,
        };
        test.TestState.AdditionalReferences.AddRange(TestReferences.All);
        test.FixedState.AdditionalReferences.AddRange(TestReferences.All);
        test.SolutionTransforms.Add(KernelTestSolution.Configure);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

/// <summary>Test compilations are nullable-enabled libraries with the latest language version, like a consumer's.</summary>
internal static class KernelTestSolution
{
    public static Solution Configure(Solution solution, ProjectId projectId)
    {
        var project = solution.GetProject(projectId)!;
        var options = ((CSharpCompilationOptions)project.CompilationOptions!).WithNullableContextOptions(NullableContextOptions.Enable);
        var parse = ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest);
        return solution.WithProjectCompilationOptions(projectId, options).WithProjectParseOptions(projectId, parse);
    }
}
