using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Kernel.Errors;
using Microsoft.AspNetCore.Http;

namespace Kernel.Benchmarks.Errors;

/// <summary>
/// Writing the problem+json envelope into a <see cref="DefaultHttpContext"/> whose body is a <see cref="MemoryStream"/>:
/// for a NOT_FOUND, for a VALIDATION_FAILED with field errors, and the whole path a handler's failure takes (throw,
/// catch, map, write), to show what the throw itself costs next to the write.
/// </summary>
[MemoryDiagnoser]
public class ErrorEnvelopeBenchmarks
{
    private readonly KernelException _notFound = KernelException.NotFound("Request");
    private readonly KernelException _validation = KernelException.Validation(new Dictionary<string, string[]>
    {
        ["title"] = ["The title is required and at most 200 characters."],
        ["dueAt"] = ["The due date must be in the future.", "The due date must be an ISO 8601 date and time with an offset."],
    });

    private readonly DefaultHttpContext _http = new();
    private readonly MemoryStream _body = new();

    /// <summary>Sets up the request (path, correlation id) and response body, and checks the envelopes' shape.</summary>
    /// <returns>A task that completes when the checks pass.</returns>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _http.Request.Method = HttpMethods.Get;
        _http.Request.Path = "/api/requests/0198c0de-0000-7000-8000-000000000001";
        _http.Request.Headers[CorrelationId.Header] = "bench-correlation";
        _http.Response.Body = _body;

        await NotFound();
        Check(StatusCodes.Status404NotFound, "\"code\":\"NOT_FOUND\"");
        await ValidationFailed();
        Check(StatusCodes.Status400BadRequest, "\"dueAt\":[");
        await Thrown_Mapped_NotFound();
        Check(StatusCodes.Status404NotFound, "\"correlationId\":\"bench-correlation\"");
    }

    /// <summary>A NOT_FOUND envelope.</summary>
    /// <returns>A task that completes when it is written.</returns>
    [Benchmark(Baseline = true)]
    public Task NotFound() => ErrorEnvelope.WriteAsync(_http, _notFound);

    /// <summary>A VALIDATION_FAILED envelope with two fields' errors.</summary>
    /// <returns>A task that completes when it is written.</returns>
    [Benchmark]
    public Task ValidationFailed() => ErrorEnvelope.WriteAsync(_http, _validation);

    /// <summary>A handler throws NOT_FOUND; the route wrapper catches it, maps it and writes the envelope.</summary>
    /// <returns>A task that completes when it is written.</returns>
    [Benchmark]
    public Task Thrown_Mapped_NotFound()
    {
        try
        {
            Handler();
            return Task.CompletedTask;
        }
        catch (Exception ex)
        {
            return ErrorEnvelope.WriteAsync(_http, ErrorMapper.Map(ex, out _));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Handler() => throw KernelException.NotFound("Request");

    private void Check(int status, string fragment)
    {
        var json = Encoding.UTF8.GetString(_body.GetBuffer(), 0, (int)_body.Length);
        if (_http.Response.StatusCode != status || _http.Response.ContentType != ErrorEnvelope.ContentType || !json.Contains(fragment, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected envelope ({_http.Response.StatusCode}, {_http.Response.ContentType}): {json}");
        }
    }
}
