using Kernel.Testing;

namespace Tenancy.Tests;

/// <summary>One fresh database and one in-memory sample host on it per test class (dev headers, registry required).</summary>
public class TenancyFixture : IAsyncLifetime
{
    public KernelTestDatabase Database { get; private set; } = null!;

    public TenancyHost Host { get; private set; } = null!;

    /// <summary>The host's settings beyond <see cref="TenancyHost"/>'s own.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Database = await KernelTestDatabase.CreateAsync();
        Host = new TenancyHost(Database, Settings);
        _ = Host.Server; // Start it (and migrate) before the first test.
    }

    public virtual async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}
