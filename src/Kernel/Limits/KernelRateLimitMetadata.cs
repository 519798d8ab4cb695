namespace Kernel.Limits;

/// <summary>Endpoint metadata: the rate-limit policy a kernel route declared (<c>WithRateLimitPolicy</c>).</summary>
internal sealed record KernelRateLimitMetadata(string Policy);
