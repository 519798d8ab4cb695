using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kernel.Testing;

/// <summary>
/// A private, throwaway PostgreSQL cluster for development and tests: a fresh data directory, a server on a free
/// loopback port, an owner role that owns a database and a runtime role that is subject to row-level security.
/// </summary>
/// <remarks>
/// <para>
/// The cluster is created with the server binaries installed on the machine (for example by
/// <c>apt-get install postgresql</c>). When the current process runs as root, every server binary is run as the
/// <c>postgres</c> OS user (through <c>runuser</c>), because PostgreSQL refuses to run as root.
/// </para>
/// <para>
/// Disposing the cluster stops the server and deletes the data directory. So that an aborted test run does not leave
/// servers running, a best-effort stop is also registered on <see cref="AppDomain.ProcessExit"/> (a normal exit without
/// disposing) and, on Unix, a small detached watchdog process stops the server and deletes the data directory when this
/// process dies in any other way (a crash, <c>kill -9</c>, or SIGTERM, which since .NET 10 no longer raises
/// <see cref="AppDomain.ProcessExit"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await LocalPostgresCluster.StartAsync();
/// await using var connection = new NpgsqlConnection(cluster.RuntimeConnectionString);
/// </code>
/// </example>
public sealed partial class LocalPostgresCluster : IAsyncDisposable
{
    private const string LoopbackHost = "127.0.0.1";
    private const string SuperuserName = "postgres";
    private const string MaintenanceDatabase = "postgres";
    private const string ServerLogFileName = "server.log";
    private const int StartAttempts = 3;
    private const int CloneAttempts = 5;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly PostgresCommandRunner _runner;
    private readonly ILogger _logger;
    private readonly bool _keepDataDirectory;
    private readonly string _ownerPassword;
    private readonly string _runtimePassword;
    private readonly string _superuserPassword;
    private readonly ConcurrentDictionary<string, byte> _databases = new(StringComparer.Ordinal);
    private readonly EventHandler _processExitHandler;
    private readonly PostgresWatchdog? _watchdog;
    private int _disposed;

    private LocalPostgresCluster(
        PostgresCommandRunner runner,
        ILogger logger,
        LocalPostgresOptions options,
        string dataDirectory,
        int port,
        string superuserPassword,
        PostgresWatchdog? watchdog)
    {
        _runner = runner;
        _logger = logger;
        _keepDataDirectory = options.KeepDataDirectory;
        _superuserPassword = superuserPassword;
        _ownerPassword = NewSecret();
        _runtimePassword = NewSecret();
        DataDirectory = dataDirectory;
        Port = port;
        Database = options.Database;
        OwnerRole = options.OwnerRole;
        RuntimeRole = options.RuntimeRole;
        SuperuserConnectionString = BuildConnectionString(MaintenanceDatabase, SuperuserName, superuserPassword, pooling: true);
        _databases.TryAdd(MaintenanceDatabase, 0);
        _databases.TryAdd(Database, 0);
        _watchdog = watchdog;
        _processExitHandler = OnProcessExit;
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
    }

    /// <summary>Gets the host the server listens on: always <c>127.0.0.1</c>.</summary>
    public string Host => LoopbackHost;

    /// <summary>Gets the TCP port the server listens on (a free port picked at start).</summary>
    public int Port { get; }

    /// <summary>Gets the full path of the cluster's data directory (it also holds <c>server.log</c> and the Unix socket).</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the name of the database created at start and owned by <see cref="OwnerRole"/>.</summary>
    public string Database { get; }

    /// <summary>Gets the name of the owner role: it owns <see cref="Database"/> and every database created by <see cref="CreateDatabaseAsync"/>.</summary>
    public string OwnerRole { get; }

    /// <summary>Gets the name of the runtime role: a plain login role (no superuser, no <c>BYPASSRLS</c>) for the application.</summary>
    public string RuntimeRole { get; }

    /// <summary>Gets a connection string for the <c>postgres</c> superuser to the <c>postgres</c> maintenance database.</summary>
    public string SuperuserConnectionString { get; }

    /// <summary>Gets the watchdog that cleans up if this process dies without disposing the cluster (tests use it).</summary>
    internal PostgresWatchdog? Watchdog => _watchdog;

    /// <summary>Gets a connection string for <see cref="OwnerRole"/> to <see cref="Database"/>.</summary>
    public string OwnerConnectionString => OwnerConnectionStringFor(Database);

    /// <summary>Gets a connection string for <see cref="RuntimeRole"/> to <see cref="Database"/>.</summary>
    public string RuntimeConnectionString => RuntimeConnectionStringFor(Database);

    /// <summary>
    /// Initializes a new cluster in a fresh data directory, starts it on a free loopback port and creates the owner role,
    /// the runtime role and the database described by <paramref name="options"/>.
    /// </summary>
    /// <param name="options">The options; <see langword="null"/> uses the defaults of <see cref="LocalPostgresOptions"/>.</param>
    /// <param name="cancellationToken">A token that cancels the start; the partly created cluster is then removed.</param>
    /// <returns>The running cluster. Dispose it to stop the server and delete its data directory.</returns>
    /// <exception cref="ArgumentException">A database or role name in <paramref name="options"/> is not valid.</exception>
    /// <exception cref="InvalidOperationException">
    /// The server binaries were not found, or <c>initdb</c> or the server failed (the message holds the command output
    /// and the tail of <c>server.log</c>).
    /// </exception>
    public static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions();
        ValidateOptions(options);

        var logger = options.Logger ?? NullLogger.Instance;
        var binDirectory = PostgresBinaries.Locate(options.BinDirectory);
        var runner = new PostgresCommandRunner(binDirectory, logger);
        var dataDirectory = Path.GetFullPath(
            options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "kernel-pg-" + RandomNumberGenerator.GetHexString(12, lowercase: true)));

        LocalPostgresLog.Initializing(logger, dataDirectory, binDirectory);
        var stopwatch = Stopwatch.StartNew();
        var createdDirectory = false;
        PostgresWatchdog? watchdog = null;
        LocalPostgresCluster? cluster = null;
        try
        {
            CreateEmptyDirectory(dataDirectory);
            createdDirectory = true;

            // From here on, a process that dies (SIGTERM during initdb, say) leaves nothing behind either.
            watchdog = PostgresWatchdog.TryStart(
                dataDirectory, options.KeepDataDirectory, StopCommand(runner, dataDirectory, immediate: !options.KeepDataDirectory));
            await runner.GiveToServerUserAsync(dataDirectory, cancellationToken);

            var superuserPassword = NewSecret();
            await InitializeAsync(runner, dataDirectory, superuserPassword, options.Durable, cancellationToken);
            AppendServerSettings(dataDirectory, options.Durable, options.ServerSettings);
            var port = await StartServerAsync(runner, logger, dataDirectory, options.StartTimeout, cancellationToken);

            cluster = new LocalPostgresCluster(runner, logger, options, dataDirectory, port, superuserPassword, watchdog);
            await cluster.CreateRolesAndDatabaseAsync(cancellationToken);

            LocalPostgresLog.Started(logger, dataDirectory, port, stopwatch.ElapsedMilliseconds);
            return cluster;
        }
        catch
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            else if (createdDirectory)
            {
                await StopServerAsync(runner, logger, dataDirectory, immediate: true, CancellationToken.None);
                if (!options.KeepDataDirectory)
                {
                    DeleteDirectory(logger, dataDirectory);
                }

                watchdog?.Release();
            }

            throw;
        }
    }

    /// <summary>Gets a connection string for <see cref="OwnerRole"/> to <paramref name="database"/>.</summary>
    /// <param name="database">The database name (lower-case letters, digits and '_').</param>
    /// <returns>An Npgsql connection string.</returns>
    /// <exception cref="ArgumentException"><paramref name="database"/> is not a valid name.</exception>
    public string OwnerConnectionStringFor(string database)
    {
        PostgresIdentifier.Validate(database, nameof(database));
        return BuildConnectionString(database, OwnerRole, _ownerPassword, pooling: true);
    }

    /// <summary>Gets a connection string for <see cref="RuntimeRole"/> to <paramref name="database"/>.</summary>
    /// <param name="database">The database name (lower-case letters, digits and '_').</param>
    /// <returns>An Npgsql connection string.</returns>
    /// <exception cref="ArgumentException"><paramref name="database"/> is not a valid name.</exception>
    public string RuntimeConnectionStringFor(string database)
    {
        PostgresIdentifier.Validate(database, nameof(database));
        return BuildConnectionString(database, RuntimeRole, _runtimePassword, pooling: true);
    }

    /// <summary>
    /// Creates a database owned by <see cref="OwnerRole"/>, optionally as a copy of <paramref name="template"/>
    /// (schema, data and grants included).
    /// </summary>
    /// <remarks>
    /// PostgreSQL can only copy a database nobody is connected to, so before copying, the pooled connections of this
    /// cluster's connection strings to <paramref name="template"/> are cleared and every other session on it is terminated.
    /// </remarks>
    /// <param name="name">The new database name (lower-case letters, digits and '_', at most 63 characters).</param>
    /// <param name="template">The database to copy, or <see langword="null"/> for an empty database.</param>
    /// <param name="cancellationToken">A token that cancels the operation.</param>
    /// <returns>A task that completes when the database exists.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> or <paramref name="template"/> is not a valid name.</exception>
    /// <exception cref="PostgresException">The server refused, for example because the database already exists.</exception>
    public async Task CreateDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PostgresIdentifier.Validate(name, nameof(name));
        if (template is not null)
        {
            PostgresIdentifier.Validate(template, nameof(template));
        }

        var sql = $"CREATE DATABASE {PostgresIdentifier.Quote(name)} OWNER {PostgresIdentifier.Quote(OwnerRole)}"
            + (template is null ? string.Empty : $" TEMPLATE {PostgresIdentifier.Quote(template)}");

        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            if (template is not null)
            {
                ClearPools(template);
                await TerminateSessionsAsync(connection, template, cancellationToken);
            }

            try
            {
                await ExecuteAsync(connection, sql, cancellationToken);
                break;
            }
            catch (PostgresException ex) when (template is not null && ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < CloneAttempts)
            {
                LocalPostgresLog.TemplateBusy(_logger, name, template, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }

        _databases.TryAdd(name, 0);
    }

    /// <summary>
    /// Drops a database if it exists, terminating its sessions (<c>DROP DATABASE ... WITH (FORCE)</c>); a database
    /// marked as a template is unmarked first.
    /// </summary>
    /// <param name="name">The database name.</param>
    /// <param name="cancellationToken">A token that cancels the operation.</param>
    /// <returns>A task that completes when the database no longer exists.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PostgresIdentifier.Validate(name, nameof(name));

        ClearPools(name);
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("select datistemplate from pg_database where datname = @name", connection))
        {
            command.Parameters.AddWithValue("name", name);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                await ExecuteAsync(connection, $"ALTER DATABASE {PostgresIdentifier.Quote(name)} WITH IS_TEMPLATE false", cancellationToken);
            }
        }

        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {PostgresIdentifier.Quote(name)} WITH (FORCE)", cancellationToken);
        _databases.TryRemove(name, out _);
    }

    /// <summary>
    /// Marks a database as a template (<c>ALTER DATABASE ... WITH IS_TEMPLATE true</c>), documenting that it is only
    /// meant to be copied with <see cref="CreateDatabaseAsync"/>. <see cref="DropDatabaseAsync"/> unmarks it before dropping.
    /// </summary>
    /// <param name="name">The database name.</param>
    /// <param name="cancellationToken">A token that cancels the operation.</param>
    /// <returns>A task that completes when the database is marked.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    public async Task MarkAsTemplateAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PostgresIdentifier.Validate(name, nameof(name));

        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"ALTER DATABASE {PostgresIdentifier.Quote(name)} WITH IS_TEMPLATE true", cancellationToken);
    }

    /// <summary>
    /// Stops the server without removing anything (<c>pg_ctl stop -m fast</c>: sessions are terminated, committed data is
    /// kept), for tests of what an application does while its database is down. <see cref="ResumeAsync"/> starts it
    /// again; disposing a stopped cluster only deletes the data directory. Stopping a stopped cluster does nothing.
    /// </summary>
    /// <remarks>Connections pooled by the application are not cleared: finding them broken is part of what such a test observes.</remarks>
    /// <param name="cancellationToken">A token that cancels the wait for the server to stop.</param>
    /// <returns>A task that completes when the server no longer accepts connections.</returns>
    /// <exception cref="InvalidOperationException"><c>pg_ctl</c> failed (the message holds its output).</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        var command = StopCommand(_runner, DataDirectory, immediate: false);
        (await _runner.RunAsync(command[0], command.Skip(1).ToList(), cancellationToken)).ThrowIfFailed();
        LocalPostgresLog.Stopped(_logger, DataDirectory);
    }

    /// <summary>
    /// Starts the server again after <see cref="StopAsync"/>, on the same <see cref="Port"/> with the same data, roles and
    /// passwords, so every connection string of the cluster works again. Resuming a running cluster does nothing.
    /// </summary>
    /// <param name="cancellationToken">A token that cancels the wait for the server to start.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <exception cref="InvalidOperationException">The server failed to start, e.g. because another process took the port meanwhile (the message holds the tail of <c>server.log</c>).</exception>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        var logFile = Path.Combine(DataDirectory, ServerLogFileName);
        var result = await _runner.RunToolAsync(
            "pg_ctl",
            ["-D", DataDirectory, "-l", logFile, "-o", "-p " + Port.ToString(CultureInfo.InvariantCulture), "-w", "-t", ((int)StopTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "start"],
            cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe($"Tail of {logFile}:\n{ReadTail(logFile, 40)}"));
        }
    }

    /// <summary>
    /// Stops the server (<c>pg_ctl stop -m immediate</c>, or a fast shutdown when the data directory is kept) and deletes
    /// the data directory unless <see cref="LocalPostgresOptions.KeepDataDirectory"/> is set. Calling it again does nothing.
    /// </summary>
    /// <returns>A task that completes when the server is stopped and the directory removed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        await ShutdownAsync(CancellationToken.None);
    }

    private static void ValidateOptions(LocalPostgresOptions options)
    {
        PostgresIdentifier.Validate(options.Database, nameof(options.Database));
        PostgresIdentifier.Validate(options.OwnerRole, nameof(options.OwnerRole));
        PostgresIdentifier.Validate(options.RuntimeRole, nameof(options.RuntimeRole));
        if (string.Equals(options.OwnerRole, options.RuntimeRole, StringComparison.Ordinal))
        {
            throw new ArgumentException("The owner role and the runtime role must be different roles.", nameof(options));
        }

        if (string.Equals(options.OwnerRole, SuperuserName, StringComparison.Ordinal)
            || string.Equals(options.RuntimeRole, SuperuserName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{SuperuserName}' is the cluster's superuser and cannot be the owner or runtime role.", nameof(options));
        }

        if (string.Equals(options.Database, MaintenanceDatabase, StringComparison.Ordinal)
            || options.Database.StartsWith("template", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{options.Database}' is a database every cluster already has; choose another name.", nameof(options));
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartTimeout, "StartTimeout must be positive.");
        }
    }

    private static string NewSecret() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static void CreateEmptyDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            if (Directory.EnumerateFileSystemEntries(path).Any())
            {
                throw new InvalidOperationException($"The data directory '{path}' is not empty; a new cluster needs a new or empty directory.");
            }
        }
        else if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static async Task InitializeAsync(
        PostgresCommandRunner runner, string dataDirectory, string superuserPassword, bool durable, CancellationToken cancellationToken)
    {
        // initdb reads the superuser password from a file, so it never shows in a process list.
        var passwordFile = PostgresWatchdog.PasswordFileOf(dataDirectory);
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var writer = new StreamWriter(passwordFile, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), fileOptions))
            {
                await writer.WriteAsync(superuserPassword.AsMemory(), cancellationToken);
                await writer.WriteAsync("\n".AsMemory(), cancellationToken);
            }

            await runner.GiveToServerUserAsync(passwordFile, cancellationToken);

            List<string> arguments =
            [
                "-D", dataDirectory,
                "-U", SuperuserName,
                "--auth=scram-sha-256",
                "--pwfile=" + passwordFile,
                "-E", "UTF8",
                "--locale=C",
            ];
            if (!durable)
            {
                arguments.Add("--no-sync");
            }

            var result = await runner.RunToolAsync("initdb", arguments, cancellationToken);
            result.ThrowIfFailed(runner.RunsAsServerUser
                ? $"The process runs as root, so initdb ran as the '{PostgresCommandRunner.ServerOsUser}' OS user: that user must exist and be able to traverse every parent directory of '{dataDirectory}'."
                : null);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static void AppendServerSettings(string dataDirectory, bool durable, IDictionary<string, string> extra)
    {
        // Settings go into postgresql.conf rather than pg_ctl -o, because pg_ctl hands -o to a shell and the
        // socket directory is a path; only the port (a number) is passed on the command line.
        var settings = new StringBuilder()
            .Append("\n# Added by Kernel.Testing.LocalPostgresCluster\n")
            .Append("listen_addresses = '127.0.0.1'\n")
            .Append(CultureInfo.InvariantCulture, $"unix_socket_directories = {PostgresIdentifier.QuoteLiteral(dataDirectory)}\n")
            .Append("max_connections = 300\n");
        if (!durable)
        {
            settings
                .Append("fsync = off\n")
                .Append("synchronous_commit = off\n")
                .Append("full_page_writes = off\n");
        }

        foreach (var (name, value) in extra)
        {
            if (!ParameterName().IsMatch(name))
            {
                throw new ArgumentException($"'{name}' is not a PostgreSQL parameter name.", nameof(extra));
            }

            settings.Append(CultureInfo.InvariantCulture, $"{name} = {PostgresIdentifier.QuoteLiteral(value)}\n");
        }

        File.AppendAllText(Path.Combine(dataDirectory, "postgresql.conf"), settings.ToString());
    }

    private static async Task<int> StartServerAsync(
        PostgresCommandRunner runner, ILogger logger, string dataDirectory, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(dataDirectory, ServerLogFileName);
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(startTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; ; attempt++)
        {
            var port = AppProcess.FreeLoopbackPort();
            var result = await runner.RunToolAsync(
                "pg_ctl",
                ["-D", dataDirectory, "-l", logFile, "-o", "-p " + port.ToString(CultureInfo.InvariantCulture), "-w", "-t", timeoutSeconds, "start"],
                cancellationToken);
            if (result.Succeeded)
            {
                return port;
            }

            var logTail = ReadTail(logFile, 40);
            if (attempt < StartAttempts
                && logTail.Contains("Address already in use", StringComparison.Ordinal)
                && !File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                // Another process took the port between picking it and the server binding it.
                LocalPostgresLog.PortTaken(logger, port);
                continue;
            }

            throw new InvalidOperationException(result.Describe($"Tail of {logFile}:\n{logTail}"));
        }
    }

    private static string ReadTail(string path, int lines)
    {
        try
        {
            return File.Exists(path)
                ? string.Join('\n', File.ReadAllLines(path).TakeLast(lines))
                : "(no server log was written)";
        }
        catch (IOException ex)
        {
            return $"(could not read the server log: {ex.Message})";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"(could not read the server log: {ex.Message})";
        }
    }

    private static async Task StopServerAsync(
        PostgresCommandRunner runner, ILogger logger, string dataDirectory, bool immediate, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        try
        {
            var command = StopCommand(runner, dataDirectory, immediate);
            var result = await runner.RunAsync(command[0], command.Skip(1).ToList(), cancellationToken);
            result.ThrowIfFailed();
            LocalPostgresLog.Stopped(logger, dataDirectory);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            LocalPostgresLog.StopFailed(logger, ex, dataDirectory);
            KillPostmaster(pidFile);
        }
    }

    private static IReadOnlyList<string> StopCommand(PostgresCommandRunner runner, string dataDirectory, bool immediate) =>
        runner.ToolCommand(
            "pg_ctl",
            ["-D", dataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", ((int)StopTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "stop"]);

    private static void KillPostmaster(string pidFile)
    {
        try
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            if (int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort: the postmaster is gone or not ours to kill. A postmaster whose data directory is deleted
            // shuts itself down once it notices its lock file is gone.
        }
    }

    private static void DeleteDirectory(ILogger logger, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt >= 3)
                {
                    LocalPostgresLog.DeleteFailed(logger, ex, path);
                    return;
                }

                Thread.Sleep(100 * attempt);
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task TerminateSessionsAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = @database and pid <> pg_backend_pid()",
            connection);
        command.Parameters.AddWithValue("database", database);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private string BuildConnectionString(string database, string username, string password, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = LoopbackHost,
            Port = Port,
            Database = database,
            Username = username,
            Password = password,
            Pooling = pooling,
            IncludeErrorDetail = true,
        }.ConnectionString;

    private async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(BuildConnectionString(MaintenanceDatabase, SuperuserName, _superuserPassword, pooling: false));
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task CreateRolesAndDatabaseAsync(CancellationToken cancellationToken)
    {
        const string Attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            $"CREATE ROLE {PostgresIdentifier.Quote(OwnerRole)} {Attributes} PASSWORD {PostgresIdentifier.QuoteLiteral(_ownerPassword)}",
            cancellationToken);
        await ExecuteAsync(
            connection,
            $"CREATE ROLE {PostgresIdentifier.Quote(RuntimeRole)} {Attributes} PASSWORD {PostgresIdentifier.QuoteLiteral(_runtimePassword)}",
            cancellationToken);
        await ExecuteAsync(
            connection,
            $"CREATE DATABASE {PostgresIdentifier.Quote(Database)} OWNER {PostgresIdentifier.Quote(OwnerRole)}",
            cancellationToken);
    }

    private void ClearPools(string database)
    {
        ClearPool(BuildConnectionString(database, SuperuserName, _superuserPassword, pooling: true));
        ClearPool(BuildConnectionString(database, OwnerRole, _ownerPassword, pooling: true));
        ClearPool(BuildConnectionString(database, RuntimeRole, _runtimePassword, pooling: true));

        static void ClearPool(string connectionString)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        foreach (var database in _databases.Keys)
        {
            ClearPools(database);
        }

        await StopServerAsync(_runner, _logger, DataDirectory, immediate: !_keepDataDirectory, cancellationToken);
        if (!_keepDataDirectory)
        {
            DeleteDirectory(_logger, DataDirectory);
        }

        _watchdog?.Release();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        ShutdownAsync(timeout.Token).GetAwaiter().GetResult();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
