using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel;
using Kernel.Tenants.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The <c>tenant</c> command of a kernel host: export a tenant to a file, or import one from a file.</summary>
public static class KernelTenantCommandExtensions
{
    private const string Usage =
        "Usage: tenant export <id|slug> --out FILE\n" +
        "       tenant import <id|slug> --in FILE";

    /// <summary>
    /// Runs <c>tenant export &lt;id|slug&gt; --out FILE</c> (the archive <c>GET /api/platform/tenants/{id}/export</c>
    /// streams, written to a temporary file beside <c>FILE</c> and renamed into place when complete) or
    /// <c>tenant import &lt;id|slug&gt; --in FILE</c> (what <c>POST /api/platform/tenants/{id}/import</c> does, with the
    /// same verification, from a local file and without the upload limit). Both run as the owner role
    /// (<c>Kernel:Database:OwnerConnectionString</c>), without starting the server, and are filed in the platform audit
    /// stream with the actor <c>cli:&lt;OS user&gt;</c>. Messages go to standard output and errors to standard error.
    /// </summary>
    /// <param name="host">The built host (not started).</param>
    /// <param name="args">The process's arguments, as <see cref="KernelCommandLine.FindCommand"/> reads them; the command is <c>tenant</c>.</param>
    /// <param name="cancellationToken">Cancels the work; an import then writes nothing, an export leaves no file.</param>
    /// <returns>The exit code: 0 done, 1 refused or failed (the message says why), 2 a usage error.</returns>
    public static async Task<int> RunKernelTenantCommandAsync(this IHost host, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        var (positional, named) = Parse(args);
        var verb = positional.Count > 1 ? positional[1] : null;
        var file = verb switch
        {
            "export" => named.GetValueOrDefault("out"),
            "import" => named.GetValueOrDefault("in"),
            _ => null,
        };
        if (positional.Count != 3 || positional[0] != "tenant" || string.IsNullOrWhiteSpace(file))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        try
        {
            var owner = host.Services.GetRequiredService<TenantOwnerDataSource>();
            await using var connection = await owner.Get().OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var tenant = await LifecycleRegistry.FindByIdOrSlugAsync(connection, positional[2], cancellationToken).ConfigureAwait(false)
                ?? throw KernelException.NotFound($"Tenant '{positional[2]}'");
            if (verb == "export")
            {
                var rows = await ExportAsync(host, tenant.Id, Path.GetFullPath(file), cancellationToken).ConfigureAwait(false);
                await RecordAsync(connection, "kernel.tenants.export", tenant.Id, new JsonObject { ["rows"] = Counts(rows), ["file"] = Path.GetFullPath(file) }, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Exported tenant {tenant.Slug} ({tenant.Id}) to {file}: {rows.Values.Sum()} rows in {rows.Count} tables.").ConfigureAwait(false);
            }
            else
            {
                var archive = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
                TenantImportResult result;
                await using (archive.ConfigureAwait(false))
                {
                    result = await host.Services.GetRequiredService<TenantImporter>().ImportAsync(tenant.Id, archive, cancellationToken).ConfigureAwait(false);
                }

                await RecordAsync(connection, "kernel.tenants.import", tenant.Id, new JsonObject { ["rowsImported"] = Counts(result.RowsImported), ["file"] = Path.GetFullPath(file) }, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Imported {result.RowsImported.Values.Sum()} rows in {result.RowsImported.Count} tables into tenant {tenant.Slug} ({tenant.Id}); it is {result.Status}.").ConfigureAwait(false);
            }

            return 0;
        }
        catch (KernelException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}").ConfigureAwait(false);
            foreach (var (field, messages) in ex.Errors ?? new Dictionary<string, string[]>())
            {
                foreach (var message in messages)
                {
                    await Console.Error.WriteLineAsync($"  {field}: {message}").ConfigureAwait(false);
                }
            }

            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NpgsqlException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> ExportAsync(IHost host, Guid tenantId, string path, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        try
        {
            TenantArchiveManifest manifest;
            var export = await host.Services.GetRequiredService<TenantExporter>().OpenAsync(tenantId, cancellationToken).ConfigureAwait(false);
            await using (export.ConfigureAwait(false))
            {
                var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
                await using (stream.ConfigureAwait(false))
                {
                    manifest = await export.WriteAsync(stream, cancellationToken).ConfigureAwait(false);
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(partial, path, overwrite: true);
            return manifest.Tables.ToDictionary(t => t.Name, t => t.Rows, StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The platform audit stream (and the tenant's own log) records the command like an operator's route.</summary>
    private static async Task RecordAsync(NpgsqlConnection connection, string action, Guid tenantId, JsonObject details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select kernel.record_operator_action($1, $2, $3, 'success', 200, $4, null, $5::jsonb, true)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = "cli:" + Environment.UserName });
        command.Parameters.Add(new NpgsqlParameter { Value = action });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString("N") });
        command.Parameters.Add(new NpgsqlParameter { Value = details.ToJsonString(JsonSerializerOptions.Default) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject Counts(IReadOnlyDictionary<string, long> counts)
    {
        var json = new JsonObject();
        foreach (var (table, rows) in counts)
        {
            json[table] = rows;
        }

        return json;
    }

    /// <summary>
    /// The arguments in <see cref="KernelCommandLine.FindCommand"/>'s grammar (the configuration provider's): positional
    /// arguments in order, and <c>--key value</c> / <c>--key=value</c> / <c>/key value</c> options by key.
    /// </summary>
    private static (List<string> Positional, Dictionary<string, string> Named) Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('/') ? arg[1..] : null;
            if (key is not null)
            {
                var equals = key.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    named[key[..equals]] = key[(equals + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    named[key] = args[++i];
                }

                continue;
            }

            if (arg.Contains('=', StringComparison.Ordinal) || arg.StartsWith('-'))
            {
                continue; // key=value configuration, or a -x switch the provider ignores
            }

            positional.Add(arg);
        }

        return (positional, named);
    }
}
