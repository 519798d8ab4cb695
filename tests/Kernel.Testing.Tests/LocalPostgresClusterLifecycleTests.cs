using System.Net.Sockets;
using Npgsql;

namespace Kernel.Testing.Tests;

public sealed class LocalPostgresClusterLifecycleTests
{
    [Fact]
    public async Task Dispose_stops_the_server_and_removes_the_data_directory()
    {
        var cluster = await LocalPostgresCluster.StartAsync();
        var dataDirectory = cluster.DataDirectory;
        var port = cluster.Port;
        await using (var connection = new NpgsqlConnection(cluster.RuntimeConnectionString))
        {
            await connection.OpenAsync();
        }

        await cluster.DisposeAsync();

        Assert.False(Directory.Exists(dataDirectory));
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", port));
        await cluster.DisposeAsync(); // Idempotent.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cluster.CreateDatabaseAsync("after_dispose"));
    }

    [Fact]
    public async Task Stop_refuses_connections_and_resume_brings_back_the_same_server_with_its_data()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync();
        var port = cluster.Port;
        await using (var connection = new NpgsqlConnection(cluster.OwnerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("create table kept (n int); insert into kept values (42)", connection);
            await command.ExecuteNonQueryAsync();
        }

        await cluster.StopAsync();
        await cluster.StopAsync(); // Idempotent.

        Assert.False(await AcceptsConnectionsAsync(port));
        await cluster.ResumeAsync();
        await cluster.ResumeAsync(); // Idempotent.
        Assert.Equal(port, cluster.Port);

        // A new connection: the pooled one was terminated by the stop (an application finds that out on its next use).
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.OwnerConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select n from kept", connection);
            Assert.Equal(42, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_watchdog_stops_the_server_and_removes_the_data_directory_when_the_process_dies_without_disposing()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var cluster = await LocalPostgresCluster.StartAsync();
        var dataDirectory = cluster.DataDirectory;
        var port = cluster.Port;
        Assert.NotNull(cluster.Watchdog);

        // What the kernel does to the lifeline pipe when this process dies: close it without a word.
        cluster.Watchdog.Abandon();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Directory.Exists(dataDirectory) || await AcceptsConnectionsAsync(port)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(dataDirectory), "data directory removed");
        Assert.False(await AcceptsConnectionsAsync(port), "server stopped");
        await cluster.DisposeAsync(); // Nothing left to do, and it must not fail.
    }

    [Fact]
    public async Task Dispose_releases_the_watchdog_without_it_touching_a_kept_data_directory()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "kernel-pg-released-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory, KeepDataDirectory = true });
            await cluster.DisposeAsync();
            await Task.Delay(1500);

            Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Keeps_the_data_directory_when_asked_to()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "kernel-pg-keep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions
            {
                DataDirectory = dataDirectory,
                KeepDataDirectory = true,
                Durable = true,
                Database = "custom_db",
                OwnerRole = "custom_owner",
                RuntimeRole = "custom_app",
            });
            Assert.Equal(dataDirectory, cluster.DataDirectory);
            await using (var connection = new NpgsqlConnection(cluster.RuntimeConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("select current_user || '@' || current_database() || ' fsync=' || current_setting('fsync')", connection);
                Assert.Equal("custom_app@custom_db fsync=on", await command.ExecuteScalarAsync());
            }

            await cluster.DisposeAsync();

            Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")));
            Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Missing_binaries_fail_with_an_install_hint()
    {
        var emptyBin = Directory.CreateTempSubdirectory("kernel-pg-empty-bin-");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => LocalPostgresCluster.StartAsync(new LocalPostgresOptions { BinDirectory = emptyBin.FullName }));

            Assert.Contains("PostgreSQL server binaries", error.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings__Kernel", error.Message, StringComparison.Ordinal);
            Assert.Contains(emptyBin.FullName, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            emptyBin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_non_empty_data_directory_is_refused_and_left_alone()
    {
        var directory = Directory.CreateTempSubdirectory("kernel-pg-not-empty-");
        var marker = Path.Combine(directory.FullName, "keep-me.txt");
        await File.WriteAllTextAsync(marker, "precious");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = directory.FullName }));

            Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
            Assert.True(File.Exists(marker));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_role_names_are_rejected_before_anything_is_created()
    {
        await Assert.ThrowsAsync<ArgumentException>(
            () => LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RuntimeRole = "Robert'); drop table students;--" }));
        await Assert.ThrowsAsync<ArgumentException>(
            () => LocalPostgresCluster.StartAsync(new LocalPostgresOptions { OwnerRole = "same", RuntimeRole = "same" }));
    }
}
