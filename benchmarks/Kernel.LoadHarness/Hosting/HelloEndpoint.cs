using FastEndpoints;
using Kernel.LoadHarness.Bench;

namespace Kernel.LoadHarness.Hosting;

/// <summary>The trivial endpoint in FastEndpoints (which requires an authenticated user unless told otherwise).</summary>
public sealed class HelloEndpoint : EndpointWithoutRequest<Hello>
{
    /// <inheritdoc />
    public override void Configure() => Get("/fe/hello");

    /// <inheritdoc />
    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Hello("hello, world"), ct);
}
