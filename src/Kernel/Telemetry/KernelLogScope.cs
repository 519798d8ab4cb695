using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace Kernel.Telemetry;

/// <summary>
/// The log scope of a route or a job: its name (<c>Route</c> or <c>Job</c>), the job id for jobs, tenant, actor,
/// correlation and trace ids. One small object per request instead of a dictionary; the ids are formatted as
/// strings (what every provider writes, and what error trackers such as Sentry turn into tags) only when a logger
/// provider actually reads the scope.
/// </summary>
internal sealed class KernelLogScope(string kind, string name, Guid? jobId, Guid? tenantId, string? actorId, string correlationId, ActivityTraceId traceId)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly int _offset = jobId is null ? 0 : 1;

    public int Count => 5 + _offset;

    public KeyValuePair<string, object?> this[int index] => (index < 1 ? index : index + 1 - _offset) switch
    {
        0 => new(kind, name),
        1 => new("JobId", jobId?.ToString()),
        2 => new("TenantId", tenantId?.ToString()),
        3 => new("ActorId", actorId),
        4 => new("CorrelationId", correlationId),
        5 => new("TraceId", traceId == default ? null : traceId.ToHexString()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', this.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value}")));
}
