namespace Kernel.Tenants.Lifecycle;

/// <summary>One applied migration of the exporting database (<c>kernel.schema_migrations</c>).</summary>
/// <param name="Addon">The addon.</param>
/// <param name="Name">The migration's file name.</param>
/// <param name="Checksum">Its checksum as journaled.</param>
internal sealed record TenantArchiveMigration(string Addon, string Name, string Checksum);
