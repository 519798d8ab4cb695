using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Tenants.Lifecycle;

/// <summary>
/// The owner role's data source, for the lifecycle work the runtime role may not do: read every tenant table of one
/// tenant in one snapshot (export), write rows with their stored ids (import) and delete a tenant's audit log (erase).
/// Created on first use from <see cref="KernelDatabaseOptions.OwnerConnectionString"/>; without one, each of those
/// answers <c>503 UNAVAILABLE</c> naming the setting, and the rest of the kernel is unaffected.
/// </summary>
internal sealed class TenantOwnerDataSource(IOptions<KernelOptions> options, IHostEnvironment environment) : IAsyncDisposable
{
    /// <summary>
    /// Lifecycle statements run long (a sort of a large table, a verification count): longer than the runtime role's
    /// <see cref="KernelDatabaseOptions.Timeout"/>, which bounds request paths. Each wait for the server is bounded
    /// by this, and the caller's cancellation stops the work at any time.
    /// </summary>
    internal const int CommandTimeoutSeconds = 600;

    private readonly Lock _gate = new();
    private NpgsqlDataSource? _dataSource;
    private bool _disposed;

    /// <summary>Whether an owner connection string is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Database.OwnerConnectionString);

    /// <summary>The owner's data source; <c>503 UNAVAILABLE</c> when no owner connection string is configured.</summary>
    public NpgsqlDataSource Get()
    {
        if (!IsConfigured)
        {
            throw new KernelException(
                StatusCodes.Status503ServiceUnavailable,
                KernelErrorCodes.Unavailable,
                "Tenant export, import and erasure run as the database owner, and no owner connection is configured: set Kernel:Database:OwnerConnectionString (or ConnectionStrings:KernelOwner).");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_dataSource is null)
            {
                var builder = new NpgsqlDataSourceBuilder(options.Value.Database.OwnerConnectionString);
                builder.ConnectionStringBuilder.ApplicationName ??= environment.ApplicationName + " (tenant lifecycle)";
                builder.ConnectionStringBuilder.Timeout = (int)options.Value.Database.Timeout.TotalSeconds;
                builder.ConnectionStringBuilder.CommandTimeout = CommandTimeoutSeconds;
                _dataSource = builder.Build();
            }

            return _dataSource;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlDataSource? dataSource;
        lock (_gate)
        {
            _disposed = true;
            dataSource = _dataSource;
            _dataSource = null;
        }

        if (dataSource is not null)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
