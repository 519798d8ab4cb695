using System.Text.Json.Nodes;
using Kernel.Audit;
using Kernel.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// The data part of the tenant lifecycle, for platform operators, under <c>/api/platform/tenants</c>: export (a
/// streamed ZIP of the tenant's rows in every tenant table), import (such an archive, verified, into a tenant with no
/// rows) and erase (every row of a suspended tenant, resumable, verified to zero). Each names the tenant as its audit
/// target; erasure files its counts in the platform stream only, since the tenant's own log is among what it erases.
/// </summary>
internal static class TenantLifecycleRoutes
{
    public const string ZipContentType = "application/zip";

    public static void Map(KernelRouteGroup tenants)
    {
        tenants.MapGet("/{id:guid}/export", "kernel.tenants.export", RouteAccess.PlatformOperator, ExportAsync)
            .Produces(StatusCodes.Status200OK, contentType: ZipContentType)
            .ProducesProblem(StatusCodes.Status409Conflict);
        tenants.MapPost("/{id:guid}/import", "kernel.tenants.import", RouteAccess.PlatformOperator, ImportAsync)
            .Produces<TenantImportResult>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The handler reads the body itself (declaring it with Accepts would let routing answer 415 bare).
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A tenant export archive, as GET /platform/tenants/{id}/export writes it.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        [ZipContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                };
                return Task.CompletedTask;
            })
            .Add(endpoint => endpoint.Metadata.Add(new KernelBodyLimitMetadata(
                endpoint.ApplicationServices.GetRequiredService<IOptions<KernelOptions>>().Value.Tenancy.MaxImportBytes)));
        tenants.MapDelete("/{id:guid}", "kernel.tenants.erase", RouteAccess.PlatformOperator, EraseAsync)
            .Produces<TenantErasureResult>();
    }

    /// <summary>
    /// <c>200 application/zip</c>, streamed as the snapshot is read. Failures before the first byte get the envelope
    /// (404, 409 while erasing, 503 without an owner connection); a failure midway aborts the response, so a client
    /// never mistakes a truncated archive for a whole one (and an import would refuse it).
    /// </summary>
    private static async Task ExportAsync(Guid id, HttpContext httpContext, TenantExporter exporter, AuditTarget audit, CancellationToken cancellationToken)
    {
        audit.Set("tenant", id.ToString());
        var export = await exporter.OpenAsync(id, cancellationToken).ConfigureAwait(false);
        await using (export.ConfigureAwait(false))
        {
            var response = httpContext.Response;
            response.ContentType = ZipContentType;
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = export.ArchiveName }.ToString();
            response.Headers.CacheControl = "no-store";
            var manifest = await export.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
            audit.Details = new JsonObject { ["rows"] = Counts(manifest.Tables.ToDictionary(t => t.Name, t => t.Rows)) };
        }
    }

    /// <summary>
    /// <c>200</c> with the rows restored per table. 415 for a body that is not <c>application/zip</c>, 413 past
    /// <see cref="KernelTenancyOptions.MaxImportBytes"/>, 404 / 409 for a tenant that cannot take it, 400 for an archive
    /// that does not match its manifest or this database (nothing written).
    /// </summary>
    private static async Task<TenantImportResult> ImportAsync(Guid id, HttpContext httpContext, TenantImporter importer, AuditTarget audit, CancellationToken cancellationToken)
    {
        audit.Set("tenant", id.ToString());
        if (!MediaTypeHeaderValue.TryParse(httpContext.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals(ZipContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new KernelException(
                StatusCodes.Status415UnsupportedMediaType,
                KernelErrorCodes.UnsupportedMediaType,
                "The body must be a tenant export archive (Content-Type: application/zip).");
        }

        RequestLimitCheck.AllowRouteBodyLimit(httpContext);
        var result = await importer.ImportUploadAsync(id, httpContext.Request.Body, cancellationToken).ConfigureAwait(false);
        audit.Details = new JsonObject { ["rowsImported"] = Counts(result.RowsImported) };
        return result;
    }

    /// <summary><c>200</c> with the rows deleted per table; again on an erased tenant. 404, 409 for an active tenant (suspend it first).</summary>
    private static async Task<TenantErasureResult> EraseAsync(Guid id, TenantEraser eraser, AuditTarget audit, CancellationToken cancellationToken)
    {
        audit.Set("tenant", id.ToString());
        audit.TenantLog = false; // The tenant's own log is among what is erased; the platform stream keeps the record.
        var result = await eraser.EraseAsync(id, cancellationToken).ConfigureAwait(false);
        audit.Details = new JsonObject { ["rowsDeleted"] = Counts(result.RowsDeleted) };
        return result;
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
}
