using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Kernel.Benchmarks.Hosting;

/// <summary>
/// The response side of an <see cref="InProcessConnection"/>, behaving as a server's does where the kernel can tell:
/// the response starts (running the <see cref="OnStarting"/> callbacks, last registered first) at the first body write or
/// an explicit start, headers are then read-only in spirit, and completion callbacks run after the app returns. The body
/// goes to <see cref="Body"/>, emptied before each request.
/// </summary>
internal sealed class InProcessResponseFeature : IHttpResponseFeature, IHttpResponseBodyFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];
    private readonly List<(Func<object, Task> Callback, object State)> _onCompleted = [];
    private readonly BodyStream _stream;
    private readonly PipeWriter _writer;

    public InProcessResponseFeature()
    {
        _stream = new BodyStream(this);
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>What the app wrote in the current (or last) request.</summary>
    public MemoryStream Body { get; } = new();

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

    public bool HasStarted { get; private set; }

    Stream IHttpResponseFeature.Body
    {
        get => _stream;
        set => throw new NotSupportedException("Replace IHttpResponseBodyFeature instead.");
    }

    Stream IHttpResponseBodyFeature.Stream => _stream;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer;

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        _onStarting.Add((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => _onCompleted.Add((callback, state));

    public void DisableBuffering()
    {
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted)
        {
            return;
        }

        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            var (callback, state) = _onStarting[i];
            await callback(state);
        }

        HasStarted = true;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    /// <summary>What a server does when the app returns: start the response if nothing did (an empty body), flush what is buffered.</summary>
    public async Task CompleteAsync()
    {
        await StartAsync();
        await _writer.FlushAsync();
    }

    public async Task FireOnCompletedAsync()
    {
        for (var i = _onCompleted.Count - 1; i >= 0; i--)
        {
            var (callback, state) = _onCompleted[i];
            await callback(state);
        }
    }

    /// <summary>Ready for the next request on the connection.</summary>
    public void Reset()
    {
        StatusCode = StatusCodes.Status200OK;
        ReasonPhrase = null;
        Headers.Clear();
        HasStarted = false;
        _onStarting.Clear();
        _onCompleted.Clear();
        Body.SetLength(0);
    }

    /// <summary>The app's view of the body: writing starts the response, then lands in <see cref="Body"/>.</summary>
    private sealed class BodyStream(InProcessResponseFeature response) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            response.HasStarted ? Task.CompletedTask : response.StartAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!response.HasStarted)
            {
                response.StartAsync().GetAwaiter().GetResult();
            }

            response.Body.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!response.HasStarted)
            {
                return StartThenWriteAsync(buffer, cancellationToken);
            }

            response.Body.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        private async ValueTask StartThenWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            await response.StartAsync(cancellationToken);
            response.Body.Write(buffer.Span);
        }
    }
}
