using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// Reads an archive's NDJSON file line by line without holding more than one line (at most
/// <c>maxLineBytes</c>) and a read buffer, and hashes exactly the bytes of the lines it hands out (each with its
/// line break). A file that does not end with a line break, or a line longer than the limit, is
/// <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class NdjsonReader(Stream stream, int maxLineBytes) : IAsyncDisposable
{
    private const byte NewLine = (byte)'\n';

    private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private SequencePosition? _consumed;

    /// <summary>The lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>
    /// The next line without its line break, valid until the next call; null at the end of the file. Empty lines are
    /// returned too (the caller decides what they mean).
    /// </summary>
    public async ValueTask<ReadOnlySequence<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_consumed is { } consumed)
        {
            _reader.AdvanceTo(consumed);
            _consumed = null;
        }

        // Bytes already searched for a line break: a long line arrives in many reads, and each is searched once.
        long searched = 0;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Slice(searched).PositionOf(NewLine) is { } end)
            {
                var line = buffer.Slice(0, end);
                if (line.Length > maxLineBytes)
                {
                    throw TooLong();
                }

                var next = buffer.GetPosition(1, end);
                foreach (var segment in buffer.Slice(0, next))
                {
                    _hash.AppendData(segment.Span);
                }

                _consumed = next;
                Lines++;
                return line;
            }

            if (buffer.Length > maxLineBytes)
            {
                throw TooLong();
            }

            if (result.IsCompleted)
            {
                var empty = buffer.IsEmpty;
                _reader.AdvanceTo(buffer.End);
                return empty ? null : throw new InvalidDataException($"The last line (line {Lines + 1}) does not end with a line break: the file is truncated.");
            }

            searched = buffer.Length;
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>The SHA-256 (lower-case hex) of everything read so far; read at the end, of the whole file.</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        _hash.Dispose();
    }

    private InvalidDataException TooLong() =>
        new($"Line {Lines + 1} is longer than {maxLineBytes} bytes, the most an import takes for one row.");
}
