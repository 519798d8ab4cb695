using System.Collections.Concurrent;
using System.Text.Json;
using Kernel.Addons;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Jobs;

/// <summary>
/// Runs one job's handler: deserialises the payload to the definition's payload type (a payload that does not is a
/// <see cref="JobPayloadException"/>: the job is dead at once) and calls the handler, resolved from DI or created with
/// its dependencies injected.
/// </summary>
internal sealed class JobInvocation(IServiceProvider services, string payload, JobContext job, CancellationToken cancellationToken)
    : IJobDefinitionVisitor<Task>
{
    /// <summary>Creates handlers not registered in DI, with their dependencies injected; one factory per handler type.</summary>
    private static readonly ConcurrentDictionary<Type, ObjectFactory> HandlerFactories = new();

    public static Task InvokeAsync(JobDefinition definition, IServiceProvider services, string payload, JobContext job, CancellationToken cancellationToken) =>
        definition.Accept(new JobInvocation(services, payload, job, cancellationToken));

    public Task Visit<TPayload>(JobDefinition<TPayload> definition)
    {
        TPayload value;
        try
        {
            value = JsonSerializer.Deserialize<TPayload>(payload, JobSerializer.Options)
                ?? throw new JobPayloadException($"The payload of job type '{definition.Name}' is null.");
        }
        catch (JsonException ex)
        {
            throw new JobPayloadException($"The payload of job type '{definition.Name}' does not deserialise to {typeof(TPayload).Name}: {ex.Message}", ex);
        }

        var handler = (IJobHandler<TPayload>)(services.GetService(definition.HandlerType)
            ?? HandlerFactories.GetOrAdd(definition.HandlerType, static type => ActivatorUtilities.CreateFactory(type, Type.EmptyTypes))(services, null));
        return handler.HandleAsync(value, job, cancellationToken);
    }
}
