using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Kernel.Testing;

/// <summary>
/// A logger provider that keeps every entry, at every level, with the key/value pairs of all scopes around it: for
/// tests that assert what a log line carries (tenant, actor, correlation and trace ids) and what it must never
/// carry (tokens, passwords, another tenant's data). Add it with <c>builder.Logging.AddProvider(logs)</c>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>The entries logged so far, in order.</summary>
    public IReadOnlyCollection<CapturedLogEntry> Entries => _entries;

    /// <summary>Forgets the entries logged so far (a fixture shared by tests starts each from nothing).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Everything logged so far as one text (messages, exceptions, scope values), for "never appears" assertions.</summary>
    /// <returns>The text.</returns>
    public string AllText() => string.Join(Environment.NewLine, _entries.Select(e => e.ToString()));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            var text = new List<string>();
            owner._scopes.ForEachScope(
                (scope, _) =>
                {
                    text.Add(scope?.ToString() ?? string.Empty);
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            values[key] = value;
                        }
                    }
                },
                (object?)null);
            var properties = state is IEnumerable<KeyValuePair<string, object?>> fields
                ? fields.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
                : new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._entries.Enqueue(new CapturedLogEntry(category, logLevel, eventId, formatter(state, exception), exception, properties, values, string.Join(" | ", text)));
        }
    }
}

/// <summary>One captured log entry.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception, if any.</param>
/// <param name="Properties">The entry's own structured properties (the message template's values).</param>
/// <param name="Scope">The key/value pairs of every scope around the entry (inner scopes win).</param>
/// <param name="ScopeText">The text of every scope around the entry.</param>
public sealed record CapturedLogEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    Exception? Exception,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Scope,
    string ScopeText)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Level} {Category}[{EventId.Id}] {Message} {{{string.Join(", ", Properties.Select(p => $"{p.Key}={p.Value}"))}}} [{ScopeText}] {{{string.Join(", ", Scope.Select(p => $"{p.Key}={p.Value}"))}}} {Exception}";
}
