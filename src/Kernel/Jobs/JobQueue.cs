using System.Diagnostics;
using System.Text.Json;
using Kernel.Data;
using Kernel.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs;

/// <summary>
/// Builds the job envelope from the current context and writes it: inside a route or job through that scope's
/// unit of work (the job commits or rolls back with it), otherwise in a short transaction of its own.
/// </summary>
internal sealed class JobQueue(
    KernelContextAccessor contextAccessor,
    IServiceProvider services,
    JobRegistry registry,
    JobStore store,
    AddonCatalog addons,
    TenantLookup tenants) : IJobQueue
{
    public Task<Guid> EnqueueAsync<TPayload>(JobDefinition<TPayload> job, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return EnqueueAsync(job.Name, payload, options, cancellationToken);
    }

    public async Task<Guid> EnqueueAsync<TPayload>(string type, TPayload payload, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var definition = Resolve(type, typeof(TPayload), nameof(payload));
        options ??= new JobOptions();
        using var activity = StartEnqueue(definition, options, 1);
        try
        {
            var (envelope, context) = Envelope(definition, options, Serialize(type, definition.PayloadType, payload));
            await EnsureAddonEnabledAsync(definition, envelope.TenantId, cancellationToken).ConfigureAwait(false);
            Guid id;
            if (context is null)
            {
                id = await store.EnqueueAsync(envelope, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var batch = await services.GetRequiredService<UnitOfWork>().CreateBatchAsync(cancellationToken).ConfigureAwait(false);
                id = await JobStore.EnqueueAsync(batch, envelope, cancellationToken).ConfigureAwait(false);
            }

            // A unique key can resolve to the job already queued: the span names the job the caller gets back.
            activity?.SetTag("messaging.message.id", id.ToString());
            JobTelemetry.CountEnqueued(definition.Name, 1);
            return id;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    public async Task<IReadOnlyList<Guid>> EnqueueManyAsync<TPayload>(JobDefinition<TPayload> job, IEnumerable<TPayload> payloads, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(payloads);
        options ??= new JobOptions();
        if (options.UniqueKey is not null)
        {
            throw new ArgumentException("A unique key names one job; enqueue keyed jobs one at a time with EnqueueAsync.", nameof(options));
        }

        var definition = Resolve(job.Name, typeof(TPayload), nameof(payloads));
        var json = payloads.Select(p => Serialize(job.Name, definition.PayloadType, p)).ToArray();
        if (json.Length == 0)
        {
            return [];
        }

        using var activity = StartEnqueue(definition, options, json.Length);
        try
        {
            var (envelope, context) = Envelope(definition, options, string.Empty);
            await EnsureAddonEnabledAsync(definition, envelope.TenantId, cancellationToken).ConfigureAwait(false);
            var ids = new Guid[json.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = Guid.CreateVersion7();
            }

            if (context is null)
            {
                await store.EnqueueManyAsync(envelope, ids, json, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var batch = await services.GetRequiredService<UnitOfWork>().CreateBatchAsync(cancellationToken).ConfigureAwait(false);
                await JobStore.EnqueueManyAsync(batch, envelope, ids, json, cancellationToken).ConfigureAwait(false);
            }

            JobTelemetry.CountEnqueued(definition.Name, ids.Length);
            return ids;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    /// <summary>
    /// A job of an optional addon is refused for a tenant that does not have the addon on (<c>ADDON_NOT_ENABLED</c>):
    /// it would only wait. Jobs without a tenant are not held back.
    /// </summary>
    private async ValueTask EnsureAddonEnabledAsync(JobDefinition definition, Guid? tenant, CancellationToken cancellationToken)
    {
        if (tenant is { } id && addons.OptionalJobTypes.TryGetValue(definition.Name, out var addon)
            && (await tenants.FindByIdAsync(id, cancellationToken).ConfigureAwait(false))?.HasAddon(addon) != true)
        {
            throw KernelException.AddonNotEnabled(addon);
        }
    }

    /// <summary>The enqueue span, in the tenant the job will get (the envelope's traceparent is read from it).</summary>
    private Activity? StartEnqueue(JobDefinition definition, JobOptions options, int count) =>
        JobTelemetry.StartEnqueue(
            definition.Name,
            definition.Scope == JobScope.System ? null : (contextAccessor.IsEstablished ? contextAccessor.Current.TenantId : null) ?? options.TenantId,
            count);

    private JobDefinition Resolve(string type, Type payloadType, string parameter)
    {
        var definition = registry.Find(type) ?? throw new ArgumentException(
            $"Job type '{type}' is not declared by any addon. Add its JobDefinition to an addon manifest's Jobs.", nameof(type));
        if (!definition.PayloadType.IsAssignableFrom(payloadType))
        {
            throw new ArgumentException(
                $"Job type '{type}' takes a {definition.PayloadType.Name} payload, not {payloadType.Name}.", parameter);
        }

        return definition;
    }

    /// <summary>The envelope of a job of <paramref name="definition"/> in the current context; the context is null outside a route or job.</summary>
    private (JobEnvelope Envelope, KernelContext? Context) Envelope(JobDefinition definition, JobOptions options, string json)
    {
        var context = contextAccessor.IsEstablished ? contextAccessor.Current : null;
        Guid? tenant = definition.Scope == JobScope.System ? null : ResolveTenant(definition.Name, context, options);
        var trace = Activity.Current?.Context ?? context?.Trace ?? default;
        var envelope = new JobEnvelope(
            Guid.CreateVersion7(),
            definition.Name,
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

        return (envelope, context);
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
