using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Jobs.InMemoryQueueAnalyzer>;

namespace Kernel.Analyzers.Tests.Jobs;

public sealed class InMemoryQueueTests
{
    private const string Addon = """
        using System.Threading.Tasks;
        using Coravel.Queuing.Interfaces;
        using Kernel;

        public sealed class ThingsAddon : IAddon
        {
            public AddonManifest Manifest { get; } = new() { Name = "things", Version = "1", Summary = "s" };
        }

        """;

    [Fact]
    public Task Queuing_work_on_Coravel_in_an_addon_is_reported() =>
        Verify.VerifyAsync(
            Addon + """
            sealed class Notifier(IQueue queue)
            {
                public void Notify()
                {
                    {|#0:queue.QueueAsyncTask(() => Task.CompletedTask)|};
                    {|#1:queue.QueueTask(() => { })|};
                }
            }
            """,
            Verify.Diagnostic(DiagnosticDescriptors.InMemoryQueue).WithLocation(0).WithArguments("IQueue.QueueAsyncTask"),
            Verify.Diagnostic(DiagnosticDescriptors.InMemoryQueue).WithLocation(1).WithArguments("IQueue.QueueTask"));

    [Fact]
    public Task Code_outside_an_addon_is_not_judged() =>
        Verify.VerifyAsync(
            """
            using System.Threading.Tasks;
            using Coravel.Queuing.Interfaces;

            sealed class HostWork(IQueue queue)
            {
                public void Run() => queue.QueueAsyncTask(() => Task.CompletedTask);
                public System.Type K => typeof(Kernel.IAddon);
            }
            """);
}
