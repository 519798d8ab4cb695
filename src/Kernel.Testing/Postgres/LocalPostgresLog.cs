using Microsoft.Extensions.Logging;

namespace Kernel.Testing;

/// <summary>Source-generated log messages of <see cref="LocalPostgresCluster"/>.</summary>
internal static partial class LocalPostgresLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Initializing PostgreSQL cluster in {DataDirectory} with binaries from {BinDirectory}")]
    public static partial void Initializing(ILogger logger, string dataDirectory, string binDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "PostgreSQL cluster in {DataDirectory} is listening on 127.0.0.1:{Port} (started in {ElapsedMilliseconds} ms)")]
    public static partial void Started(ILogger logger, string dataDirectory, int port, long elapsedMilliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Port {Port} was taken before the server could bind it; retrying with another port")]
    public static partial void PortTaken(ILogger logger, int port);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Stopped PostgreSQL cluster in {DataDirectory}")]
    public static partial void Stopped(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Stopping PostgreSQL cluster in {DataDirectory} failed")]
    public static partial void StopFailed(ILogger logger, Exception exception, string dataDirectory);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Running {Command}")]
    public static partial void Running(ILogger logger, string command);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Retrying CREATE DATABASE {Database}: template {Template} is still being accessed (attempt {Attempt})")]
    public static partial void TemplateBusy(ILogger logger, string database, string template, int attempt);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not delete data directory {DataDirectory}")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string dataDirectory);
}
