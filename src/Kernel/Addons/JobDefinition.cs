using System.Text.RegularExpressions;
using Kernel.Addons;

namespace Kernel;

/// <summary>
/// A job type an addon declares in its <see cref="AddonManifest.Jobs"/>: a stable dotted name, the payload and
/// handler types, whose work it is, how often to try, and optionally a cron schedule. Create one with
/// <see cref="ForTenant{TPayload, THandler}"/>, <see cref="ForSystem{TPayload, THandler}"/> or
/// <see cref="Recurring{THandler}"/>, keep it in a static field, and enqueue with it.
/// </summary>
public abstract partial record JobDefinition
{
    /// <summary>The default value of <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 5;

    private protected JobDefinition(string name, JobScope scope, Type payloadType, Type handlerType)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"Job type '{name}' is not a stable dotted name such as 'requests.reminder' (lower case, at least two segments).",
                nameof(name));
        }

        Name = name;
        Scope = scope;
        PayloadType = payloadType;
        HandlerType = handlerType;
    }

    /// <summary>The stable dotted job type name, e.g. <c>requests.reminder</c>; stored in every job envelope.</summary>
    public string Name { get; }

    /// <summary>Whether the job belongs to a tenant or to the system.</summary>
    public JobScope Scope { get; }

    /// <summary>The payload type.</summary>
    public Type PayloadType { get; }

    /// <summary>The handler type; resolved from the job's scope, or created with its dependencies injected.</summary>
    public Type HandlerType { get; }

    /// <summary>Attempts before the job is dead. The default value is <see cref="DefaultMaxAttempts"/>.</summary>
    public int MaxAttempts
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxAttempts must be at least 1.");
    } = DefaultMaxAttempts;

    /// <summary>
    /// A five-field cron expression (UTC, minute resolution) on which the scheduler enqueues the job, once per slot
    /// across all instances; <see langword="null"/> for jobs enqueued only by code. Set by <see cref="Recurring{THandler}"/>.
    /// </summary>
    public string? Cron { get; private protected init; }

    /// <summary>Declares a tenant job.</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="name">The stable dotted type name.</param>
    /// <returns>The definition.</returns>
    public static JobDefinition<TPayload> ForTenant<TPayload, THandler>(string name)
        where THandler : class, IJobHandler<TPayload> =>
        new(name, JobScope.Tenant, typeof(THandler));

    /// <summary>Declares a system job (no tenant).</summary>
    /// <typeparam name="TPayload">The payload type.</typeparam>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="name">The stable dotted type name.</param>
    /// <returns>The definition.</returns>
    public static JobDefinition<TPayload> ForSystem<TPayload, THandler>(string name)
        where THandler : class, IJobHandler<TPayload> =>
        new(name, JobScope.System, typeof(THandler));

    /// <summary>
    /// Declares a recurring system job: on every instance the scheduler ticks on <paramref name="cron"/> and
    /// enqueues the job with a per-slot unique key, so the job runs once per slot however many instances run.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="name">The stable dotted type name.</param>
    /// <param name="cron">A five-field cron expression, UTC, e.g. <c>* * * * *</c> for every minute.</param>
    /// <returns>The definition.</returns>
    public static JobDefinition<JobSlot> Recurring<THandler>(string name, string cron)
        where THandler : class, IJobHandler<JobSlot>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        return new JobDefinition<JobSlot>(name, JobScope.System, typeof(THandler)) { Cron = cron };
    }

    /// <summary>
    /// Calls <paramref name="visitor"/> back with the payload type as a type argument: how the job runner (Jobs, a layer
    /// above the declarations) deserialises the payload and calls the handler with static types.
    /// </summary>
    internal abstract TResult Accept<TResult>(IJobDefinitionVisitor<TResult> visitor);

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>A job type with a <typeparamref name="TPayload"/> payload; enqueue with <see cref="IJobQueue.EnqueueAsync{TPayload}(JobDefinition{TPayload}, TPayload, JobOptions?, CancellationToken)"/>.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public sealed record JobDefinition<TPayload> : JobDefinition
{
    internal JobDefinition(string name, JobScope scope, Type handlerType)
        : base(name, scope, typeof(TPayload), handlerType)
    {
    }

    internal override TResult Accept<TResult>(IJobDefinitionVisitor<TResult> visitor) => visitor.Visit(this);
}
