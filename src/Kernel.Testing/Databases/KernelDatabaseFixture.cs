using Xunit;

namespace Kernel.Testing;

/// <summary>
/// xunit class fixture: a migrated database for <typeparamref name="TAddon"/> (and the kernel) per test class.
/// Use it with <c>IClassFixture&lt;KernelDatabaseFixture&lt;MyAddon&gt;&gt;</c>.
/// </summary>
/// <typeparam name="TAddon">The addon under test.</typeparam>
public sealed class KernelDatabaseFixture<TAddon> : IAsyncLifetime
    where TAddon : class, IAddon, new()
{
    private KernelTestDatabase? _database;

    /// <summary>The database of this test class.</summary>
    public KernelTestDatabase Database => _database ?? throw new InvalidOperationException("The fixture has not been initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _database = await KernelTestDatabase.CreateAsync(new TAddon()).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }
}
