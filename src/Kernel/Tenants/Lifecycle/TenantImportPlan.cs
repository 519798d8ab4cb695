using System.IO.Compression;

namespace Kernel.Tenants.Lifecycle;

/// <summary>One table of an import: the archive's file, the table it goes into, and the columns restored (the archive's, minus generated ones).</summary>
/// <param name="Table">The tenant table of this database.</param>
/// <param name="Listed">What the manifest says of the file.</param>
/// <param name="Entry">The file in the archive.</param>
/// <param name="Columns">The columns to insert, in table order.</param>
internal sealed record TenantImportPlan(TenantTable Table, TenantArchiveTable Listed, ZipArchiveEntry Entry, IReadOnlyList<TenantColumn> Columns);
