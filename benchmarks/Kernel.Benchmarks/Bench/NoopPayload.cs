namespace Kernel.Benchmarks.Bench;

/// <summary>The no-op job's payload.</summary>
/// <param name="Sequence">Which job of a batch it is.</param>
internal sealed record NoopPayload(int Sequence);
