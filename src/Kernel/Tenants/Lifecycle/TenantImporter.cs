using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// Restores a tenant export into a tenant with no rows. The archive is verified against its manifest first — the
/// tenant id, the migration journal (not ahead of this database's), every listed table and column known here, every
/// file's row count and SHA-256, every row a JSON object of this tenant — and only then written: in foreign-key order,
/// in one transaction on the owner's connection under the tenant's context, every statement also filtering on
/// <c>tenant_id</c>. Any mismatch is <c>400 VALIDATION_FAILED</c> and writes nothing.
/// </summary>
internal sealed partial class TenantImporter(TenantOwnerDataSource owner, TenantCache cache, IOptions<KernelOptions> options, ILogger<TenantImporter> logger)
{
    /// <summary>The longest row (one NDJSON line) an import takes; a longer line is refused.</summary>
    internal const int MaxRowBytes = 64 * 1024 * 1024;

    private const int MaxManifestBytes = 16 * 1024 * 1024;

    // Rows go to the server as a JSON array per statement, of at most this many rows or (but for one row) bytes.
    private const int ChunkRows = 1000;
    private const int ChunkBytes = 4 * 1024 * 1024;

    private static readonly string[] IntegerTypes = ["smallint", "integer", "bigint"];

    private readonly long _maxBytes = options.Value.Tenancy.MaxImportBytes;

    /// <summary>
    /// The upload route: refuses a tenant that cannot take an import (404, 409) before reading the body, spools the body
    /// to a temporary file (deleted when done; more than <see cref="KernelTenancyOptions.MaxImportBytes"/> is 413),
    /// then imports it.
    /// </summary>
    public async Task<TenantImportResult> ImportUploadAsync(Guid tenantId, Stream body, CancellationToken cancellationToken)
    {
        var dataSource = owner.Get();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var tables = await TenantTables.LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            await CheckTargetAsync(connection, tables, tenantId, cancellationToken).ConfigureAwait(false);
        }

        var path = Path.Combine(Path.GetTempPath(), $"kernel-import-{Guid.NewGuid():N}.zip");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        await using (file.ConfigureAwait(false))
        {
            await SpoolAsync(body, file, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            return await ImportAsync(tenantId, file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Verifies and imports the archive in <paramref name="archive"/> (a seekable stream) into <paramref name="tenantId"/>.</summary>
    public async Task<TenantImportResult> ImportAsync(Guid tenantId, Stream archive, CancellationToken cancellationToken)
    {
        var dataSource = owner.Get();
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(archive, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw KernelException.Validation("archive", "The body is not a ZIP archive, or it is truncated.");
        }

        await using (zip.ConfigureAwait(false))
        {
            var manifest = await ReadManifestAsync(zip, cancellationToken).ConfigureAwait(false);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var tables = await TenantTables.LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            await CheckTargetAsync(connection, tables, tenantId, cancellationToken).ConfigureAwait(false);
            var journal = await LifecycleRegistry.JournalAsync(connection, cancellationToken).ConfigureAwait(false);
            var plan = Plan(manifest, zip, tables, journal, tenantId);
            await VerifyAsync(plan, tenantId, cancellationToken).ConfigureAwait(false);
            return await WriteAsync(connection, tables, plan, tenantId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>In a transaction of its own (the context is transaction-scoped); see <see cref="EnsureImportableAsync"/>.</summary>
    private static async Task CheckTargetAsync(NpgsqlConnection connection, TenantTables tables, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LifecycleRegistry.SetContextAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
        await EnsureImportableAsync(connection, tables, tenantId, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>404 for an unknown tenant; 409 for one being erased, or one with any row in any tenant table.</summary>
    private static async Task<RegisteredTenant> EnsureImportableAsync(NpgsqlConnection connection, TenantTables tables, Guid tenantId, bool forUpdate, CancellationToken cancellationToken)
    {
        var tenant = await LifecycleRegistry.FindAsync(connection, tenantId, forUpdate, cancellationToken).ConfigureAwait(false)
            ?? throw KernelException.NotFound("Tenant");
        if (tenant.Status == TenantStatus.Erasing)
        {
            throw KernelException.Conflict("The tenant is being erased; finish the erasure (DELETE it again), then import.");
        }

        if (await LifecycleRegistry.FirstTableWithRowsAsync(connection, tables, tenantId, cancellationToken).ConfigureAwait(false) is { } table)
        {
            throw KernelException.Conflict(
                $"The tenant already has data (in {table}, at least). An import restores into a tenant with no rows: suspend and erase it first, or import into a new tenant.");
        }

        return tenant;
    }

    private async Task SpoolAsync(Stream body, FileStream file, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > _maxBytes)
                {
                    throw KernelException.PayloadTooLarge();
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<TenantArchiveManifest> ReadManifestAsync(ZipArchive zip, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(TenantArchiveManifest.FileName)
            ?? throw KernelException.Validation("archive", $"The archive has no {TenantArchiveManifest.FileName}: it is not a tenant export.");
        if (entry.Length > MaxManifestBytes)
        {
            throw KernelException.Validation(TenantArchiveManifest.FileName, $"Is larger than {MaxManifestBytes} bytes.");
        }

        using var buffer = new MemoryStream();
        try
        {
            var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                // Counted as it is decompressed: the size an entry declares is the archive's word, not a bound.
                var chunk = new byte[64 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxManifestBytes)
                    {
                        throw KernelException.Validation(TenantArchiveManifest.FileName, $"Is larger than {MaxManifestBytes} bytes.");
                    }

                    buffer.Write(chunk, 0, read);
                }
            }

            return JsonSerializer.Deserialize<TenantArchiveManifest>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), TenantArchiveManifest.SerializerOptions)
                ?? throw new JsonException("The manifest is null.");
        }
        catch (InvalidDataException)
        {
            throw KernelException.Validation(TenantArchiveManifest.FileName, "Is damaged: it cannot be decompressed.");
        }
        catch (JsonException ex)
        {
            throw KernelException.Validation(
                TenantArchiveManifest.FileName,
                $"Is not a tenant export manifest{(string.IsNullOrEmpty(ex.Path) ? string.Empty : $" (at {ex.Path})")}: a member is missing, unknown, duplicated or of the wrong type.");
        }
    }

    /// <summary>Checks the manifest against this database and the archive's entries, and pairs each listed file with its table.</summary>
    private static List<TenantImportPlan> Plan(TenantArchiveManifest manifest, ZipArchive zip, TenantTables tables, IReadOnlyList<TenantArchiveMigration> journal, Guid tenantId)
    {
        var errors = new ValidationErrors();
        if (manifest.Format != TenantArchiveManifest.FormatName || manifest.FormatVersion != TenantArchiveManifest.CurrentFormatVersion)
        {
            errors.Add("manifest.formatVersion", $"The archive is '{manifest.Format}' version {manifest.FormatVersion}; this kernel imports '{TenantArchiveManifest.FormatName}' version {TenantArchiveManifest.CurrentFormatVersion}.");
        }

        if (manifest.Tenant.Id != tenantId)
        {
            errors.Add("manifest.tenant.id", $"The archive holds tenant {manifest.Tenant.Id}'s data; it can be imported into that tenant only.");
        }

        var applied = journal.ToDictionary(m => (m.Addon, m.Name), m => m.Checksum);
        foreach (var migration in manifest.Migrations)
        {
            if (!applied.TryGetValue((migration.Addon, migration.Name), out var checksum))
            {
                errors.Add("manifest.migrations", $"{migration.Addon}/{migration.Name} was applied to the exporting database but not to this one: migrate this database to that version first.");
            }
            else if (!string.Equals(checksum, migration.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("manifest.migrations", $"{migration.Addon}/{migration.Name} has another checksum here than in the exporting database: the two ran different versions of it.");
            }
        }

        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!entries.TryAdd(entry.FullName, entry))
            {
                errors.Add("archive", $"Holds two entries named '{entry.FullName}'.");
            }
        }

        var plan = new List<TenantImportPlan>();
        var files = new HashSet<string>(StringComparer.Ordinal) { TenantArchiveManifest.FileName };
        var names = new HashSet<(string, string)>();
        foreach (var listed in manifest.Tables)
        {
            var field = $"manifest.tables[{listed.Name}]";
            if (!names.Add((listed.Schema, listed.Table)) || !files.Add(listed.File))
            {
                errors.Add(field, "Is listed twice (the table or its file).");
                continue;
            }

            var table = tables.Find(listed.Schema, listed.Table);
            if (table is null)
            {
                errors.Add(field, $"{listed.Schema}.{listed.Table} is not a tenant table of this database; its rows would have nowhere to go.");
                continue;
            }

            if (!entries.TryGetValue(listed.File, out var file))
            {
                errors.Add(field, $"Its file {listed.File} is missing from the archive.");
                continue;
            }

            var here = table.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var unknown = listed.Columns.Where(c => !here.Contains(c)).ToList();
            if (unknown.Count > 0)
            {
                errors.Add(field, $"Has columns this database's {table.DisplayName} lacks ({string.Join(", ", unknown)}); importing would drop their values.");
            }

            if (!listed.Columns.Contains("tenant_id", StringComparer.Ordinal) || listed.Rows < 0 || listed.Sha256.Length != 64)
            {
                errors.Add(field, "Lists no tenant_id column, a negative row count or a malformed SHA-256.");
            }

            var listedColumns = listed.Columns.ToHashSet(StringComparer.Ordinal);
            plan.Add(new TenantImportPlan(table, listed, file, table.Columns.Where(c => !c.Generated && listedColumns.Contains(c.Name)).ToList()));
        }

        var unlisted = entries.Keys.Where(name => !files.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unlisted.Count > 0)
        {
            errors.Add("archive", $"Holds entries the manifest does not list: {string.Join(", ", unlisted.Take(10))}.");
        }

        errors.ThrowIfAny();
        var order = tables.ParentsFirst.Select((t, i) => (t, i)).ToDictionary(x => x.t.DisplayName, x => x.i, StringComparer.Ordinal);
        return plan.OrderBy(p => order[p.Table.DisplayName]).ToList();
    }

    /// <summary>Reads every file once: its rows must be JSON objects of this tenant, as many as listed, hashing to the listed SHA-256.</summary>
    private static async Task VerifyAsync(List<TenantImportPlan> plan, Guid tenantId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        foreach (var item in plan)
        {
            var file = item.Listed.File;
            try
            {
                var stream = await item.Entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var reader = new NdjsonReader(stream, MaxRowBytes);
                    await using (reader.ConfigureAwait(false))
                    {
                        string? problem = null;
                        while (problem is null && await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                        {
                            problem = RowProblem(line, tenantId);
                        }

                        if (problem is not null)
                        {
                            errors.Add(file, $"Line {reader.Lines}: {problem}");
                        }
                        else if (reader.Lines != item.Listed.Rows)
                        {
                            errors.Add(file, $"Holds {reader.Lines} rows; the manifest lists {item.Listed.Rows}.");
                        }
                        else if (!string.Equals(reader.Sha256(), item.Listed.Sha256, StringComparison.OrdinalIgnoreCase))
                        {
                            errors.Add(file, "Its SHA-256 differs from the manifest's: the file was changed or damaged.");
                        }
                    }
                }
            }
            catch (InvalidDataException ex)
            {
                errors.Add(file, ex.Message);
            }
        }

        errors.ThrowIfAny();
    }

    /// <summary>Why <paramref name="line"/> is not a row of <paramref name="tenantId"/>, or null when it is one.</summary>
    internal static string? RowProblem(System.Buffers.ReadOnlySequence<byte> line, Guid tenantId)
    {
        var json = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 1000 });
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                return "Is not a JSON object.";
            }

            Guid? tenant = null;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var isTenant = json.ValueTextEquals("tenant_id"u8);
                json.Read();
                if (!isTenant)
                {
                    json.Skip();
                    continue;
                }

                if (tenant is not null)
                {
                    return "Has tenant_id twice.";
                }

                if (json.TokenType != JsonTokenType.String || !json.TryGetGuid(out var value))
                {
                    return "Its tenant_id is not a UUID.";
                }

                tenant = value;
            }

            if (json.Read())
            {
                return "Holds more than one JSON value.";
            }

            return tenant is null ? "Has no tenant_id."
                : tenant != tenantId ? $"Is a row of tenant {tenant}, not of {tenantId}."
                : null;
        }
        catch (JsonException)
        {
            return "Is not valid JSON.";
        }
    }

    /// <summary>The one write transaction: every table parents first, sequences moved past the restored ids, an erased tenant made active.</summary>
    private async Task<TenantImportResult> WriteAsync(NpgsqlConnection connection, TenantTables tables, List<TenantImportPlan> plan, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LifecycleRegistry.SetContextAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);

        // Locks the tenant's row: an erasure (or another import) waits for this one, and this one sees what it left.
        var tenant = await EnsureImportableAsync(connection, tables, tenantId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        var imported = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in plan)
        {
            imported[item.Table.DisplayName] = item.Listed.Rows == 0 ? 0 : await InsertAsync(connection, item, tenantId, cancellationToken).ConfigureAwait(false);
            await AdvanceSequencesAsync(connection, item, tenantId, cancellationToken).ConfigureAwait(false);
        }

        var status = tenant.Status;
        if (status == TenantStatus.Erased)
        {
            if (await LifecycleRegistry.SetStatusAsync(connection, tenantId, [TenantStatus.Erased], TenantStatus.Active, null, cancellationToken).ConfigureAwait(false) is not > 0)
            {
                throw new InvalidOperationException($"Tenant {tenantId} left the erased status during its import, under the row lock.");
            }

            status = TenantStatus.Active;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        cache.Evict(tenantId); // This instance's next request sees the restored status before the NOTIFY comes back.
        LogImported(logger, tenantId, imported.Count, imported.Values.Sum(), status);
        return new TenantImportResult(tenantId, status, imported);
    }

    private static async Task<long> InsertAsync(NpgsqlConnection connection, TenantImportPlan item, Guid tenantId, CancellationToken cancellationToken)
    {
        var table = item.Table;
        var columns = string.Join(", ", item.Columns.Select(c => c.QuotedName));
        var sql =
            $"insert into {table.QuotedName} ({columns}){(table.HasIdentityAlways ? " overriding system value" : string.Empty)} " +
            $"select {string.Join(", ", item.Columns.Select(c => "r." + c.QuotedName))} from json_populate_recordset(null::{table.QuotedName}, $1::json) r " +
            "where r.tenant_id = $2";
        long inserted = 0;
        var chunk = new ArrayBufferWriter<byte>(64 * 1024);
        var rows = 0;

        var stream = await item.Entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new NdjsonReader(stream, MaxRowBytes);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    chunk.Write(rows == 0 ? "["u8 : ","u8);
                    foreach (var segment in line)
                    {
                        chunk.Write(segment.Span);
                    }

                    if (++rows >= ChunkRows || chunk.WrittenCount >= ChunkBytes)
                    {
                        inserted += await FlushAsync().ConfigureAwait(false);
                    }
                }

                if (rows > 0)
                {
                    inserted += await FlushAsync().ConfigureAwait(false);
                }
            }
        }

        return inserted;

        async Task<long> FlushAsync()
        {
            chunk.Write("]"u8);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Encoding.UTF8.GetString(chunk.WrittenSpan) });
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            var written = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (written != rows)
            {
                // Verified already; this is the write path's own guard, and the transaction rolls back.
                throw KernelException.Validation(item.Listed.File, $"Holds rows of another tenant: {rows - written} of a batch of {rows} were not {tenantId}'s.");
            }

            chunk.ResetWrittenCount();
            rows = 0;
            return written;
        }
    }

    /// <summary>
    /// Restored rows carry the ids their identity (or serial) columns were given where they were exported; the sequence
    /// behind each is moved past the largest, so the next id generated here does not collide with one of them.
    /// </summary>
    private static async Task AdvanceSequencesAsync(NpgsqlConnection connection, TenantImportPlan item, Guid tenantId, CancellationToken cancellationToken)
    {
        foreach (var column in item.Columns.Where(c => c.Sequence is not null && IntegerTypes.Contains(c.Type, StringComparer.Ordinal)))
        {
            await using var command = new NpgsqlCommand(
                $"""
                select setval($1::regclass, x.m)
                  from (select max(t.{column.QuotedName}) as m from {item.Table.Source} t where t.tenant_id = $2) x
                 where x.m is not null
                   and (select s.seqincrement from pg_sequence s where s.seqrelid = $1::regclass) > 0
                   and x.m > coalesce(pg_sequence_last_value($1::regclass), 0)
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = column.Sequence });
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "Imported tenant {Tenant}: {Tables} tables, {Rows} rows; status {Status}")]
    private static partial void LogImported(ILogger logger, Guid tenant, int tables, long rows, string status);
}
