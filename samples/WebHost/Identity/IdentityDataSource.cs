using Npgsql;

namespace WebHost.Identity;

/// <summary>The identity provider's own connection pool, separate from the API's runtime role (as a hosted provider's database would be).</summary>
internal sealed class IdentityDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
