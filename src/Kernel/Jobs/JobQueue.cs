using System.Diagnostics;
using System.Text.Json;
using Kernel.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs;

/// <summary>
/// Builds the job envelope from the current context and writes it: inside a route or job through that scope's
/// unit of work (the job commits or rolls back with it), otherwise in a short transaction of its own.
/// </summary>
internal sealed class JobQueue(KernelContextAccessor contextAccessor, IServiceProvider services, JobRegistry registry, JobStore store) : IJobQueue
{
    public Task<Guid> EnqueueAsync<TPayload>(JobDefinition<TPayload> job, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return EnqueueAsync(job.Name, payload, options, cancellationToken);
    }

    public async Task<Guid> EnqueueAsync<TPayload>(string type, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var definition = registry.Find(type) ?? throw new ArgumentException(
            $"Job type '{type}' is not declared by any addon. Add its JobDefinition to an addon manifest's Jobs.", nameof(type));
        if (!definition.PayloadType.IsAssignableFrom(typeof(TPayload)))
        {
            throw new ArgumentException(
                $"Job type '{type}' takes a {definition.PayloadType.Name} payload, not {typeof(TPayload).Name}.", nameof(payload));
        }

        options ??= new JobOptions();
        var context = contextAccessor.IsEstablished ? contextAccessor.Current : null;
        Guid? tenant = definition.Scope == JobScope.System ? null : ResolveTenant(type, context, options);
        var json = Serialize(type, definition.PayloadType, payload);
        var trace = Activity.Current?.Context ?? context?.Trace ?? default;
        var envelope = new JobEnvelope(
            Guid.CreateVersion7(),
            type,
            tenant,
            context?.Actor?.Id,
            context?.Actor?.Roles.Order(StringComparer.Ordinal).ToArray() ?? [],
            trace == default ? null : FormatTraceparent(trace),
            context?.CorrelationId ?? Guid.NewGuid().ToString("N"),
            json,
            options.Priority,
            options.RunAt,
            options.MaxAttempts ?? definition.MaxAttempts,
            options.UniqueKey,
            options.UniqueMode == JobUniqueMode.ReplaceIfNotStarted);
        if (envelope.MaxAttempts < 1)
        {
            throw new ArgumentException("MaxAttempts must be at least 1.", nameof(options));
        }

        if (context is null)
        {
            return await store.EnqueueAsync(envelope, cancellationToken).ConfigureAwait(false);
        }

        var transaction = await services.GetRequiredService<UnitOfWork>().GetTransactionAsync(cancellationToken).ConfigureAwait(false);
        return await JobStore.EnqueueAsync(transaction.Connection!, transaction, envelope, cancellationToken).ConfigureAwait(false);
    }

    internal static string FormatTraceparent(ActivityContext trace) =>
        $"00-{trace.TraceId.ToHexString()}-{trace.SpanId.ToHexString()}-{((trace.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    private static Guid ResolveTenant(string type, KernelContext? context, JobOptions options)
    {
        if (context?.TenantId is { } current)
        {
            if (options.TenantId is { } requested && requested != current)
            {
                throw new ArgumentException("A tenant can only enqueue jobs for itself; JobOptions.TenantId is for system work.", nameof(options));
            }

            return current;
        }

        return options.TenantId ?? throw new KernelException(
            StatusCodes.Status403Forbidden,
            KernelErrorCodes.TenantRequired,
            $"Job type '{type}' is a tenant job, and the current context has no tenant. Enqueue it from a tenant's route or job, or (from system work) set JobOptions.TenantId.");
    }

    private static string Serialize(string type, Type payloadType, object? payload)
    {
        byte[] json;
        try
        {
            json = JsonSerializer.SerializeToUtf8Bytes(payload, payloadType, JobSerializer.Options);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException($"The payload of job type '{type}' is not JSON-serialisable: {ex.Message}", nameof(payload), ex);
        }

        if (json.Length > JobSerializer.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The payload of job type '{type}' is {json.Length} bytes; the limit is {JobSerializer.MaxPayloadBytes} (256 KiB). Store large data in a table and pass its id.",
                nameof(payload));
        }

        return System.Text.Encoding.UTF8.GetString(json);
    }
}
