using Verify = Kernel.Analyzers.Tests.Verifiers.AnalyzerVerifier<Kernel.Analyzers.Jobs.JobPayloadAnalyzer>;

namespace Kernel.Analyzers.Tests.Jobs;

public sealed class JobPayloadTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using Kernel;

        """;

    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expect(int location, string type, string problem) =>
        Verify.Diagnostic(DiagnosticDescriptors.JobPayloadNotPlainData).WithLocation(location).WithArguments(type, problem);

    [Fact]
    public Task An_interface_payload_is_reported_on_the_definition_the_handler_and_the_enqueue() =>
        Verify.VerifyAsync(
            Usings + """
            public interface IMail { string To { get; } }

            public sealed class SendMailJob : {|#0:IJobHandler<IMail>|}
            {
                public static readonly JobDefinition<IMail> Definition = JobDefinition.ForTenant<{|#1:IMail|}, SendMailJob>("mail.send");

                public Task HandleAsync(IMail payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class Sender(IJobQueue queue)
            {
                public Task<Guid> SendAsync(IMail mail) => queue.EnqueueAsync(SendMailJob.Definition, {|#2:mail|});
            }
            """,
            Expect(0, "IMail", "is an interface, which System.Text.Json cannot create"),
            Expect(1, "IMail", "is an interface, which System.Text.Json cannot create"),
            Expect(2, "IMail", "is an interface, which System.Text.Json cannot create"));

    [Fact]
    public Task Plain_records_and_classes_of_plain_values_are_not_reported() =>
        Verify.VerifyAsync(
            Usings + """
            public enum Priority { Low, High }

            public sealed record Line(string Sku, decimal Price, int Quantity);

            public sealed record Order(
                Guid Id,
                DateTimeOffset PlacedAt,
                DateTime? DueAt,
                TimeSpan Timeout,
                Priority Priority,
                decimal Total,
                byte[] Signature,
                int[] Codes,
                IReadOnlyList<Line> Lines,
                List<string> Tags,
                Dictionary<string, int> Counts,
                IReadOnlyDictionary<string, Line> BySku,
                Uri? Callback);

            public sealed class Settings
            {
                public string Name { get; set; } = "";
                public List<Guid> Ids { get; set; } = [];
            }

            public sealed class OrderJob : IJobHandler<Order>, IJobHandler<Settings>, IJobHandler<Line[]>, IJobHandler<string>, IJobHandler<Guid>
            {
                public static readonly JobDefinition<Order> Definition = JobDefinition.ForTenant<Order, OrderJob>("orders.process");
                public static readonly JobDefinition<Settings> Other = JobDefinition.ForSystem<Settings, OrderJob>("orders.settings");

                public Task HandleAsync(Order payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Settings payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Line[] payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(string payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Guid payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class Tick : IJobHandler<JobSlot>
            {
                public static readonly JobDefinition<JobSlot> Definition = JobDefinition.Recurring<Tick>("orders.tick", "* * * * *");

                public Task HandleAsync(JobSlot payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class Enqueuer(IJobQueue queue)
            {
                public async Task RunAsync(Order order)
                {
                    await queue.EnqueueAsync(OrderJob.Definition, order);
                    await queue.EnqueueAsync("orders.settings", new Settings());
                    await queue.EnqueueAsync("orders.tick", new JobSlot(DateTimeOffset.UtcNow));
                }
            }
            """);

    [Fact]
    public Task A_payload_type_parameter_is_not_judged() =>
        Verify.VerifyAsync(
            Usings + """
            public sealed class Forwarder<T>(IJobQueue queue)
            {
                public Task<Guid> ForwardAsync(JobDefinition<T> job, T payload) => queue.EnqueueAsync(job, payload);
                public Task<Guid> ByNameAsync(T payload) => queue.EnqueueAsync<T>("any.job", payload);
            }

            public abstract class BaseHandler<T> : IJobHandler<T>
            {
                public abstract Task HandleAsync(T payload, JobContext job, CancellationToken cancellationToken);
            }
            """);

    [Fact]
    public Task Live_state_as_the_payload_is_reported() =>
        Verify.VerifyAsync(
            Usings + """
            public sealed class Upload :
                {|#10:IJobHandler<Stream>|},
                {|#11:IJobHandler<MemoryStream>|},
                {|#12:IJobHandler<CancellationToken>|},
                {|#13:IJobHandler<KernelContext>|},
                {|#14:IJobHandler<InvalidOperationException>|},
                {|#15:IJobHandler<Func<int>>|},
                {|#16:IJobHandler<Type>|}
            {
                public static readonly JobDefinition<MemoryStream> Memory = JobDefinition.ForTenant<{|#0:MemoryStream|}, Upload>("files.memory");
                public static readonly JobDefinition<CancellationToken> Token = JobDefinition.ForSystem<{|#1:CancellationToken|}, Upload>("files.token");
                public static readonly JobDefinition<KernelContext> Context = JobDefinition.ForTenant<{|#2:KernelContext|}, Upload>("files.context");
                public static readonly JobDefinition<InvalidOperationException> Error = JobDefinition.ForTenant<{|#3:InvalidOperationException|}, Upload>("files.error");
                public static readonly JobDefinition<Func<int>> Code = JobDefinition.ForTenant<{|#4:Func<int>|}, Upload>("files.code");
                public static readonly JobDefinition<Type> Kind = JobDefinition.ForTenant<{|#5:Type|}, Upload>("files.kind");

                public Task HandleAsync(Stream payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(MemoryStream payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(CancellationToken payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(KernelContext payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(InvalidOperationException payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Func<int> payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Type payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            Expect(0, "MemoryStream", "is a stream, live state that does not round-trip through JSON"),
            Expect(1, "CancellationToken", "is a cancellation token, live state that does not round-trip through JSON"),
            Expect(2, "KernelContext", "is the KernelContext, which the kernel already restores for the handler"),
            Expect(3, "InvalidOperationException", "is an exception, which does not round-trip through JSON"),
            Expect(4, "Func<int>", "is a delegate, code that does not round-trip through JSON"),
            Expect(5, "Type", "is a System.Type, which does not round-trip through JSON"),
            Expect(10, "Stream", "is a stream, live state that does not round-trip through JSON"),
            Expect(11, "MemoryStream", "is a stream, live state that does not round-trip through JSON"),
            Expect(12, "CancellationToken", "is a cancellation token, live state that does not round-trip through JSON"),
            Expect(13, "KernelContext", "is the KernelContext, which the kernel already restores for the handler"),
            Expect(14, "InvalidOperationException", "is an exception, which does not round-trip through JSON"),
            Expect(15, "Func<int>", "is a delegate, code that does not round-trip through JSON"),
            Expect(16, "Type", "is a System.Type, which does not round-trip through JSON"));

    [Fact]
    public Task Object_abstract_disposable_and_tuple_payloads_are_reported_where_the_payload_is_written() =>
        Verify.VerifyAsync(
            Usings + """
            public abstract record Shape(string Name);

            public sealed class Lease : IDisposable
            {
                public Guid Id { get; set; }
                public void Dispose() { }
            }

            public sealed class Enqueuer(IJobQueue queue)
            {
                public async Task RunAsync(Shape shape, Lease lease)
                {
                    await queue.EnqueueAsync("any.loose", {|#0:(object)"x"|});
                    await queue.EnqueueAsync("any.shape", {|#1:shape|});
                    await queue.EnqueueAsync<{|#2:Lease|}>("any.lease", lease);
                    await queue.EnqueueAsync("any.pair", {|#3:(Id: Guid.NewGuid(), Count: 2)|});
                }
            }
            """,
            Expect(0, "object", "is untyped, so it reads back as a JsonElement, not what was enqueued"),
            Expect(1, "Shape", "is abstract, so System.Text.Json cannot create it"),
            Expect(2, "Lease", "is disposable, so it holds a resource that does not round-trip through JSON"),
            Expect(3, "(Guid Id, int Count)", "is a tuple, whose fields System.Text.Json does not serialise"));

    [Fact]
    public Task A_class_System_Text_Json_cannot_construct_is_reported() =>
        Verify.VerifyAsync(
            Usings + """
            public sealed class Invoice
            {
                public Invoice(Guid invoiceId, string note) { Id = invoiceId; }
                public Guid Id { get; }
            }

            public sealed record Receipt(Guid Id)
            {
                public Receipt(Guid id, string secret) : this(id) { }
            }

            public sealed class InvoiceJob : {|#0:IJobHandler<Invoice>|}, IJobHandler<Receipt>
            {
                public Task HandleAsync(Invoice payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Receipt payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            Expect(0, "Invoice", "has no public parameterless constructor and no public constructor whose parameters all match its public properties, so System.Text.Json cannot create it"));

    [Fact]
    public Task Constructors_System_Text_Json_can_use_are_not_reported() =>
        Verify.VerifyAsync(
            Usings + """
            public sealed class CaseInsensitive
            {
                public CaseInsensitive(Guid ID, string name) { Id = ID; Name = name; }
                public Guid Id { get; }
                public string Name { get; }
            }

            public sealed class Marked
            {
                [JsonConstructor]
                internal Marked(int count) => Count = count;
                public int Count { get; }
            }

            public sealed class Both
            {
                public Both() { }
                public Both(Stream unused) { }
                public int Count { get; set; }
            }

            public readonly record struct Point(int X, int Y);

            public sealed class Jobs : IJobHandler<CaseInsensitive>, IJobHandler<Marked>, IJobHandler<Both>, IJobHandler<Point>
            {
                public Task HandleAsync(CaseInsensitive payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Marked payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Both payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Point payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Properties_and_collection_elements_of_forbidden_kinds_are_reported_by_name() =>
        Verify.VerifyAsync(
            Usings + """
            public interface IShape { }

            public sealed record Attachment(string Name, Stream Body);
            public sealed record Drawing(Guid Id, IReadOnlyList<IShape> Shapes);
            public sealed record Batch(Guid Id, Dictionary<string, Task> Pending);
            public sealed record Loose(Guid Id, object Extra);
            public sealed record Callback(Guid Id, Action Done);
            public sealed record Carrier(Guid Id, IServiceProvider Services);
            public sealed record Nested(Guid Id, List<Attachment> Attachments);

            public sealed class Jobs :
                {|#0:IJobHandler<Attachment>|},
                {|#1:IJobHandler<Drawing>|},
                {|#2:IJobHandler<Batch>|},
                {|#3:IJobHandler<Loose>|},
                {|#4:IJobHandler<Callback>|},
                {|#5:IJobHandler<Carrier>|},
                {|#6:IJobHandler<List<Attachment>>|},
                IJobHandler<Nested>
            {
                public Task HandleAsync(Attachment payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Drawing payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Batch payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Loose payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Callback payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Carrier payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(List<Attachment> payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Nested payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            Expect(0, "Attachment", "has property 'Body' of type 'Stream': a stream, live state that does not round-trip through JSON"),
            Expect(1, "Drawing", "has property 'Shapes' whose elements are 'IShape': an interface, which System.Text.Json cannot create"),
            Expect(2, "Batch", "has property 'Pending' whose elements are 'Task': a task, live state that does not round-trip through JSON"),
            Expect(3, "Loose", "has property 'Extra' of type 'object': untyped, so it reads back as a JsonElement, not what was enqueued"),
            Expect(4, "Callback", "has property 'Done' of type 'Action': a delegate, code that does not round-trip through JSON"),
            Expect(5, "Carrier", "has property 'Services' of type 'IServiceProvider': a service provider, live state that does not round-trip through JSON"),
            Expect(6, "List<Attachment>", "has element type 'Attachment', which has property 'Body' of type 'Stream': a stream, live state that does not round-trip through JSON"));

    [Fact]
    public Task Ignored_properties_are_not_judged() =>
        Verify.VerifyAsync(
            Usings + """
            public sealed class Report
            {
                public Guid Id { get; set; }

                [JsonIgnore]
                public Stream? Cache { get; set; }

                internal CancellationToken Token { get; set; }

                public static IServiceProvider? Services { get; set; }
            }

            public sealed class ReportJob : IJobHandler<Report>
            {
                public static readonly JobDefinition<Report> Definition = JobDefinition.ForSystem<Report, ReportJob>("reports.build");

                public Task HandleAsync(Report payload, JobContext job, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """);
}
