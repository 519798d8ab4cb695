namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// What the ZIP writer writes into, instead of the destination itself: .NET 10's <c>ZipArchive</c> has async entry
/// and archive APIs, but disposing an entry's stream still flushes its compressor with a synchronous write, which
/// Kestrel refuses on a response body (and which would block a thread on a slow client anyway). Every write, sync or
/// async, lands in memory here; the exporter drains it to the destination asynchronously after each step it takes
/// (a piece of rows, an entry's end, the central directory), so what it holds is bounded by one step's output.
/// </summary>
internal sealed class ArchiveSpool(Stream destination) : Stream
{
    private readonly MemoryStream _pending = new();
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes written so far (the ZIP writer asks; it cannot seek here).</summary>
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    /// <summary>Writes what is pending to the destination, asynchronously, and forgets it.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        await destination.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken).ConfigureAwait(false);
        _pending.SetLength(0);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pending.Write(buffer);
        _written += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void WriteByte(byte value)
    {
        _pending.WriteByte(value);
        _written++;
    }

    /// <summary>Nothing to do synchronously: the destination is written by <see cref="DrainAsync"/> only.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
