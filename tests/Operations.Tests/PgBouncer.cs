using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Kernel.Testing;
using Npgsql;

namespace Operations.Tests;

/// <summary>
/// A private PgBouncer (Debian's <c>pgbouncer</c> package) in transaction mode in front of one PostgreSQL server,
/// on a free loopback port, with a deliberately small server pool so tenants share server connections.
/// </summary>
internal sealed class PgBouncer : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/pgbouncer";

    private readonly Process _process;
    private readonly string _directory;

    private PgBouncer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>PgBouncer's log (connections, pool events), for assertions and failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_directory, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(_directory, "pgbouncer.log")) : string.Empty;

    /// <summary>Starts PgBouncer for the users of <paramref name="connectionStrings"/> (their passwords go into its auth file).</summary>
    public static async Task<PgBouncer> StartAsync(int serverPort, params string[] connectionStrings)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found: install PgBouncer (apt-get install -y pgbouncer); .ci/run does.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "kernel-pgbouncer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = AppProcess.FreeLoopbackPort();
        var users = new StringBuilder();
        foreach (var connectionString in connectionStrings)
        {
            var settings = new NpgsqlConnectionStringBuilder(connectionString);
            users.Append(CultureInfo.InvariantCulture, $"\"{settings.Username}\" \"{settings.Password}\"\n");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "users.txt"), users.ToString());
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            * = host=127.0.0.1 port={serverPort}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {directory}/users.txt
            pool_mode = transaction
            default_pool_size = 4
            max_client_conn = 500
            ; the pooler's own queue timeout, left at its default: the kernel's Kernel:Database:Timeout must answer first
            query_wait_timeout = 120
            ; after a failed server login, try again after a second (default 15 s), so recovery follows PostgreSQL's return
            server_login_retry = 1
            ignore_startup_parameters = extra_float_digits
            logfile = {directory}/pgbouncer.log
            pidfile = {directory}/pgbouncer.pid
            """);

        // PgBouncer refuses to run as root: run it as the postgres OS user, like the PostgreSQL servers of the tests.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            using var chown = Process.Start("chown", ["-R", "postgres", directory])!;
            await chown.WaitForExitAsync();
        }

        var start = new ProcessStartInfo(asRoot ? "runuser" : Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (asRoot)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", Binary })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add(Path.Combine(directory, "pgbouncer.ini"));
        var process = Process.Start(start)!;
        var bouncer = new PgBouncer(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = bouncer.Log + await process.StandardError.ReadToEndAsync();
                await bouncer.DisposeAsync();
                throw new InvalidOperationException($"PgBouncer did not start:\n{log}");
            }

            await Task.Delay(100);
        }

        return bouncer;
    }

    /// <summary><paramref name="connectionString"/> pointed at PgBouncer instead of the server.</summary>
    public string Through(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = Port }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The whole tree: runuser and the PgBouncer under it.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
