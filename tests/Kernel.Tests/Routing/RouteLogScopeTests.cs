using System.Collections.Concurrent;
using Kernel.Testing;
using Kernel.Tests.TestAddons;
using Microsoft.Extensions.Logging;

namespace Kernel.Tests.Routing;

public sealed class RouteLogScopeTests(KernelDatabaseFixture<WidgetsAddon> fixture) : IClassFixture<KernelDatabaseFixture<WidgetsAddon>>
{
    [Fact]
    public async Task A_failed_routes_error_log_line_carries_route_tenant_actor_and_correlation_id()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await TestHost.StartAsync(fixture.Database, configure: b => b.Logging.AddProvider(logs));
        var tenant = Guid.NewGuid();
        using var client = app.ClientAs(tenant, "alice");
        client.DefaultRequestHeaders.Add("X-Correlation-Id", "scope-test-1");

        using var response = await client.PostAsync("/api/widgets/explode", null);

        var failure = Assert.Single(logs.Entries, e => e.EventId == 2001);
        Assert.Equal("widgets.explode", failure.Scope["Route"]);
        Assert.Equal(tenant, failure.Scope["TenantId"]);
        Assert.Equal("alice", failure.Scope["ActorId"]);
        Assert.Equal("scope-test-1", failure.Scope["CorrelationId"]);
        Assert.True(failure.Scope.ContainsKey("TraceId"));
        Assert.Contains("widgets.explode", failure.ScopeText, StringComparison.Ordinal);
    }

    private sealed record Entry(int EventId, IReadOnlyDictionary<string, object?> Scope, string ScopeText);

    /// <summary>Records every log entry with the key/value pairs and text of all scopes around it.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentBag<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                var text = new List<string>();
                provider._scopes.ForEachScope(
                    (scope, _) =>
                    {
                        text.Add(scope?.ToString() ?? "");
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, value) in pairs)
                            {
                                values[key] = value;
                            }
                        }
                    },
                    (object?)null);
                provider.Entries.Add(new Entry(eventId.Id, values, string.Join(" | ", text)));
            }
        }
    }
}
