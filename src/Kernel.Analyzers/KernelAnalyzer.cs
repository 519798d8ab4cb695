using Microsoft.CodeAnalysis.Diagnostics;

namespace Kernel.Analyzers;

/// <summary>
/// Base of every KRN analyzer: runs concurrently, ignores generated code, and skips compilations that do not
/// reference the Kernel, so a project without the kernel pays nothing.
/// </summary>
public abstract class KernelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (WellKnownTypes.TryCreate(start.Compilation) is { } types)
            {
                OnKernelCompilationStart(start, types);
            }
        });
    }

    /// <summary>Registers the rule's actions for a compilation that references the Kernel.</summary>
    /// <param name="context">The compilation start context.</param>
    /// <param name="types">The symbols resolved for this compilation.</param>
    private protected abstract void OnKernelCompilationStart(CompilationStartAnalysisContext context, WellKnownTypes types);
}
