using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// <c>manifest.json</c> of a tenant export: what the archive holds (one NDJSON file per tenant table, with its row
/// count, columns and SHA-256) and what it came from (the tenant, and every migration applied to that database). An
/// import verifies the archive against it before writing anything.
/// </summary>
internal sealed record TenantArchiveManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "kernel.tenant-export";
    public const int CurrentFormatVersion = 1;

    /// <summary>camelCase, indented, strict: an unknown or missing member is a malformed manifest.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }

    /// <summary>The archive layout's version; an import accepts <see cref="CurrentFormatVersion"/> only.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The exported tenant.</summary>
    public required TenantArchiveTenant Tenant { get; init; }

    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>Every tenant table of the exporting database, parents first.</summary>
    public required IReadOnlyList<TenantArchiveTable> Tables { get; init; }

    /// <summary>The exporting database's migration journal (every applied migration).</summary>
    public required IReadOnlyList<TenantArchiveMigration> Migrations { get; init; }
}
