using System.Buffers;
using System.Data;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// An open export: the snapshot's connection and what was read in it. <see cref="WriteAsync"/> streams the archive
/// (a ZIP of one NDJSON file per tenant table, then <c>manifest.json</c>) into a stream, reading rows from the server
/// as it writes them, so memory stays flat however large the tenant: a buffer of <see cref="BufferBytes"/> (or one
/// row, when a row is larger), the compressor's window, and what the compressor made of one buffer on its way out.
/// Every write to the destination is asynchronous (Kestrel refuses synchronous IO on a response body): the ZIP writer
/// writes into an <see cref="ArchiveSpool"/>, drained after each step.
/// </summary>
internal sealed partial class TenantExport(
    NpgsqlConnection connection,
    NpgsqlTransaction transaction,
    RegisteredTenant tenant,
    TenantTables tables,
    IReadOnlyList<TenantArchiveMigration> journal,
    DateTimeOffset exportedAt,
    ILogger logger) : IAsyncDisposable
{
    /// <summary>Rows are written to the archive in pieces of about this many bytes.</summary>
    internal const int BufferBytes = 64 * 1024;

    private const byte NewLine = (byte)'\n';

    public RegisteredTenant Tenant { get; } = tenant;

    /// <summary>A file name for the archive: <c>tenant-{slug}-{yyyyMMddTHHmmssZ}.zip</c>.</summary>
    public string ArchiveName => $"tenant-{Tenant.Slug}-{exportedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.zip";

    /// <summary>
    /// Writes the archive to <paramref name="destination"/> (which needs not seek: entries carry data descriptors) and
    /// returns its manifest. A failure midway leaves a truncated archive, which an import refuses.
    /// </summary>
    public async Task<TenantArchiveManifest> WriteAsync(Stream destination, CancellationToken cancellationToken)
    {
        var entries = new List<TenantArchiveTable>(tables.ParentsFirst.Count);
        TenantArchiveManifest result;
        await using var spool = new ArchiveSpool(destination);
        var archive = await ZipArchive.CreateAsync(spool, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var table in tables.ParentsFirst)
            {
                var entry = archive.CreateEntry(table.FileName, CompressionLevel.Fastest);
                entry.LastWriteTime = exportedAt;
                var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                long rows;
                string sha256;
                await using (stream.ConfigureAwait(false))
                {
                    (rows, sha256) = await WriteRowsAsync(table, stream, spool, cancellationToken).ConfigureAwait(false);
                }

                await spool.DrainAsync(cancellationToken).ConfigureAwait(false); // The entry's end: the compressor's last output, its data descriptor.
                entries.Add(new TenantArchiveTable(table.DisplayName, table.Schema, table.Name, table.FileName, table.Columns.Select(c => c.Name).ToList(), rows, sha256));
                LogTable(logger, Tenant.Id, table.DisplayName, rows);
            }

            var manifest = new TenantArchiveManifest
            {
                Format = TenantArchiveManifest.FormatName,
                FormatVersion = TenantArchiveManifest.CurrentFormatVersion,
                Tenant = new TenantArchiveTenant(Tenant.Id, Tenant.Slug, Tenant.Name, Tenant.Status),
                ExportedAt = exportedAt,
                Tables = entries,
                Migrations = journal,
            };
            var manifestEntry = archive.CreateEntry(TenantArchiveManifest.FileName, CompressionLevel.Fastest);
            manifestEntry.LastWriteTime = exportedAt;
            var manifestStream = await manifestEntry.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (manifestStream.ConfigureAwait(false))
            {
                await JsonSerializer.SerializeAsync(manifestStream, manifest, TenantArchiveManifest.SerializerOptions, cancellationToken).ConfigureAwait(false);
            }

            await spool.DrainAsync(cancellationToken).ConfigureAwait(false);
            LogWritten(logger, Tenant.Id, entries.Count, entries.Sum(e => e.Rows));
            result = manifest;
        }

        // Disposing the archive wrote the central directory into the spool.
        await spool.DrainAsync(cancellationToken).ConfigureAwait(false);
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        // Read only: nothing to commit; ending the transaction releases the snapshot.
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The tenant's rows of <paramref name="table"/>, in primary-key order, one JSON object per line, hashed as written.
    /// The explicit <c>tenant_id</c> filter does not lean on row-level security, which the owner's own policies widen
    /// (<c>kernel.jobs</c>: every row).
    /// </summary>
    private async Task<(long Rows, string Sha256)> WriteRowsAsync(TenantTable table, Stream stream, ArchiveSpool spool, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var used = 0;
        long rows = 0;
        try
        {
            await using var command = new NpgsqlCommand(
                $"select row_to_json(t)::text from {table.Source} t where t.tenant_id = $1 order by {table.OrderBy}",
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Tenant.Id });
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var json = OneLine(reader.GetString(0));
                var needed = Encoding.UTF8.GetMaxByteCount(json.Length) + 1;
                if (needed > buffer.Length - used)
                {
                    await FlushAsync(stream, spool, hash, buffer, used, cancellationToken).ConfigureAwait(false);
                    used = 0;
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }
                }

                used += Encoding.UTF8.GetBytes(json, buffer.AsSpan(used));
                buffer[used++] = NewLine;
                rows++;
            }

            await FlushAsync(stream, spool, hash, buffer, used, cancellationToken).ConfigureAwait(false);
            return (rows, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Compresses a piece of rows into the entry, then sends what the compressor produced on its way.</summary>
    private static async ValueTask FlushAsync(Stream stream, ArchiveSpool spool, IncrementalHash hash, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        if (count > 0)
        {
            hash.AppendData(buffer, 0, count);
            await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            await spool.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// NDJSON needs each row on one line. <c>row_to_json</c> escapes line breaks inside strings; the only raw ones are
    /// insignificant whitespace a <c>json</c> column kept as it was stored, so they become spaces (the same JSON value).
    /// </summary>
    private static string OneLine(string json) =>
        json.AsSpan().IndexOfAny('\n', '\r') < 0 ? json : json.Replace('\n', ' ').Replace('\r', ' ');

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "Exported {Rows} rows of {Table} for tenant {Tenant}")]
    private static partial void LogTable(ILogger logger, Guid tenant, string table, long rows);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Exported tenant {Tenant}: {Tables} tables, {Rows} rows")]
    private static partial void LogWritten(ILogger logger, Guid tenant, int tables, long rows);
}
