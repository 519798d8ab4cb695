using Microsoft.Extensions.Logging;

namespace Kernel.Testing;

/// <summary>
/// Options for <see cref="LocalPostgresCluster.StartAsync(LocalPostgresOptions?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// The cluster is meant for development and tests: it listens on a free loopback port only and, unless
/// <see cref="Durable"/> is set, trades crash safety for speed.
/// </remarks>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// Gets or sets the directory containing the PostgreSQL server binaries (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>).
    /// </summary>
    /// <remarks>
    /// The default value is <see langword="null"/>, which means: the <c>KERNEL_PG_BIN</c> environment variable if set,
    /// otherwise the newest <c>/usr/lib/postgresql/*/bin</c> that contains <c>initdb</c>, otherwise the directory of
    /// <c>initdb</c> on the <c>PATH</c>. When set explicitly, no other location is tried.
    /// </remarks>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// Gets or sets the data directory of the cluster. It must not exist or be empty.
    /// </summary>
    /// <remarks>
    /// The default value is <see langword="null"/>, which means a new directory named <c>kernel-pg-&lt;random&gt;</c>
    /// under <see cref="Path.GetTempPath"/>. When the process runs as root the server runs as the <c>postgres</c> OS user,
    /// which must be able to traverse every parent directory of this path.
    /// </remarks>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Gets or sets the name of the database created for the owner role.
    /// </summary>
    /// <remarks>The default value is <c>kernel</c>.</remarks>
    public string Database { get; set; } = "kernel";

    /// <summary>
    /// Gets or sets the name of the login role that owns <see cref="Database"/> and runs migrations.
    /// </summary>
    /// <remarks>
    /// The default value is <c>kernel_owner</c>. The role is created <c>NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS</c>.
    /// </remarks>
    public string OwnerRole { get; set; } = "kernel_owner";

    /// <summary>
    /// Gets or sets the name of the login role the application runs as.
    /// </summary>
    /// <remarks>
    /// The default value is <c>kernel_app</c>. The role is created <c>NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS</c>,
    /// so row-level security policies apply to it.
    /// </remarks>
    public string RuntimeRole { get; set; } = "kernel_app";

    /// <summary>
    /// Gets or sets a value indicating whether the server keeps its crash-safety settings.
    /// </summary>
    /// <remarks>
    /// The default value is <see langword="false"/>: the server runs with <c>fsync</c>, <c>synchronous_commit</c> and
    /// <c>full_page_writes</c> turned off, which is fast and fine for throwaway development and test data.
    /// </remarks>
    public bool Durable { get; set; }

    /// <summary>
    /// Gets extra server settings written to <c>postgresql.conf</c> (name to value), after the cluster's own; for
    /// example <c>shared_preload_libraries = pg_stat_statements</c> to profile a workload.
    /// </summary>
    /// <remarks>The default value is an empty dictionary. Names are PostgreSQL parameter names; values are written as quoted literals.</remarks>
    public IDictionary<string, string> ServerSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets a value indicating whether the data directory is kept when the cluster is disposed.
    /// </summary>
    /// <remarks>
    /// The default value is <see langword="false"/>: disposing the cluster stops the server and deletes the data directory.
    /// When <see langword="true"/>, the server is stopped with a fast (checkpointing) shutdown instead of an immediate one.
    /// </remarks>
    public bool KeepDataDirectory { get; set; }

    /// <summary>
    /// Gets or sets how long to wait for the server to accept connections after it is started.
    /// </summary>
    /// <remarks>The default value is 60 seconds.</remarks>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the logger that receives progress messages (commands run, start and stop).
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>, which means nothing is logged.</remarks>
    public ILogger? Logger { get; set; }
}
