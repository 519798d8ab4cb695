namespace Kernel.Benchmarks.Bench;

/// <summary>The trivial handler's body, the same in every app: <c>{"message":"hello, world"}</c>.</summary>
/// <param name="Message">A constant.</param>
internal sealed record Hello(string Message)
{
    public const string Json = """{"message":"hello, world"}""";

    public static Hello Instance { get; } = new("hello, world");
}
