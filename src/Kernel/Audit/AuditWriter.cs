using Kernel.Addons;
using Kernel.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Kernel.Audit;

/// <summary>
/// Writes audit entries: a success in the route's own unit of work, in the round trip that commits it (so a rolled-back
/// change leaves no entry), a denial in a short transaction of its own (the route's work is rolled back, the refusal is kept).
/// </summary>
internal sealed class AuditWriter(
    KernelContextAccessor contextAccessor,
    AuditTarget target,
    KernelDataSource dataSource,
    TimeProvider time)
{
    private const string Insert =
        """
        insert into kernel.audit_log (occurred_at, actor_id, action, target_type, target_id, outcome, status, correlation_id, trace_id, details)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """;

    /// <summary>
    /// The entry of a route's success, to add to the batch that commits the route's unit of work (so it commits with the
    /// change or not at all); null when the work is not auditable (no tenant or no actor).
    /// </summary>
    public Action<NpgsqlBatch>? SuccessEntry(HttpContext httpContext, KernelRouteMetadata route, object? result)
    {
        if (!IsAuditable(out var context))
        {
            return null;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        var (targetType, targetId) = ResolveTarget(httpContext, route, LocationOf(result));
        return batch => AddInsert(batch, context, context.Actor!.Id, route.Name, targetType, targetId, AuditOutcome.Success, status);
    }

    /// <summary>
    /// The entry of a platform operator's action, for the platform audit stream and (unless <see cref="AuditTarget.TenantLog"/>
    /// is off) the target tenant's own log. State-changing operator routes always get one; an operator read gets one
    /// when its handler named a target (an export does). Null when there is nothing to record.
    /// </summary>
    public Action<NpgsqlBatch>? OperatorEntry(HttpContext httpContext, KernelRouteMetadata route, object? result)
    {
        if (!contextAccessor.IsEstablished || contextAccessor.Current.Actor is null || (!route.IsStateChanging && target.Id is null))
        {
            return null;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        return batch => AddOperatorAction(batch, contextAccessor.Current, route, TargetTenant(httpContext), AuditOutcome.Success, status, target.TenantLog);
    }

    /// <summary>Writes <paramref name="entry"/> (from <see cref="OperatorEntry"/>) in a transaction of its own: for reads, whose unit is read-only.</summary>
    public async Task WriteOwnTransactionAsync(Action<NpgsqlBatch> entry, CancellationToken cancellationToken)
    {
        await using var own = new UnitOfWork(dataSource, contextAccessor) { ReadOnly = false };
        await using var batch = await own.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        entry(batch);
        await own.CommitWithAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>In a transaction of its own, since the route's unit of work is about to roll back.</summary>
    public async Task WriteDeniedAsync(HttpContext httpContext, KernelRouteMetadata route, int status, CancellationToken cancellationToken)
    {
        if (route.Access.Kind == RouteAccessKind.PlatformOperator && contextAccessor.IsEstablished && contextAccessor.Current.Actor is not null)
        {
            // A refused operator route is the platform's business, not the target tenant's: the platform stream only.
            var operatorContext = contextAccessor.Current;
            await WriteOwnTransactionAsync(
                batch => AddOperatorAction(batch, operatorContext, route, TargetTenant(httpContext), AuditOutcome.Denied, status, tenantLog: false),
                cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!IsAuditable(out var context))
        {
            return;
        }

        var (targetType, targetId) = ResolveTarget(httpContext, route, null);
        await using var own = new UnitOfWork(dataSource, contextAccessor) { ReadOnly = false }; // Even when the denied route is a GET.
        await using var batch = await own.CreateBatchAsync(cancellationToken).ConfigureAwait(false);
        AddInsert(batch, context, context.Actor!.Id, route.Name, targetType, targetId, AuditOutcome.Denied, status);
        await own.CommitWithAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a tenant job's entry to <paramref name="batch"/>, the job's own unit of work, which completes the job in the
    /// same round trip: action = the job type, actor = the actor that enqueued it (<c>system</c> for system-enqueued
    /// work), target = the handler's <see cref="IAuditTarget"/>, else the job itself. System jobs have no tenant to file
    /// an entry under and get none.
    /// </summary>
    public void AddJobEntry(NpgsqlBatch batch, string jobType, Guid jobId)
    {
        var context = contextAccessor.IsEstablished ? contextAccessor.Current : null;
        if (context?.TenantId is null)
        {
            return;
        }

        AddInsert(
            batch,
            context,
            context.Actor?.Id ?? "system",
            jobType,
            target.Id is null ? "job" : target.Type,
            target.Id ?? jobId.ToString(),
            AuditOutcome.Success,
            StatusCodes.Status200OK);
    }

    // Anonymous work has no tenant to file the entry under (RLS) and no actor to name.
    private bool IsAuditable(out KernelContext context)
    {
        context = contextAccessor.IsEstablished ? contextAccessor.Current : null!;
        return context is { TenantId: not null, Actor: not null };
    }

    private void AddInsert(NpgsqlBatch batch, KernelContext context, string actor, string action, string? targetType, string? targetId, string outcome, int status)
    {
        var command = batch.Add(Insert);
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = actor });
        command.Parameters.Add(new NpgsqlParameter { Value = action });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)targetType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)targetId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = context.CorrelationId });
        command.Parameters.Add(TraceIdOf(context));
        command.Parameters.Add(DetailsOf(target));
    }

    /// <summary>The handler's <see cref="AuditTarget.Details"/> (a settings change's before and after), as jsonb.</summary>
    private static NpgsqlParameter DetailsOf(AuditTarget target) => new()
    {
        Value = (object?)target.Details?.ToJsonString() ?? DBNull.Value,
        NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb,
    };

    private static NpgsqlParameter TraceIdOf(KernelContext context) => new()
    {
        Value = context.Trace.TraceId == default ? DBNull.Value : context.Trace.TraceId.ToHexString(),
        NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
    };

    private void AddOperatorAction(NpgsqlBatch batch, KernelContext context, KernelRouteMetadata route, Guid? tenant, string outcome, int status, bool tenantLog)
    {
        var command = batch.Add("select kernel.record_operator_action($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        command.Parameters.Add(new NpgsqlParameter { Value = context.Actor!.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = route.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = context.CorrelationId });
        command.Parameters.Add(TraceIdOf(context));
        command.Parameters.Add(DetailsOf(target));
        command.Parameters.Add(new NpgsqlParameter { Value = tenantLog });
    }

    /// <summary>The tenant an operator route acts on: the handler's target of type <c>tenant</c>, else the route value <c>id</c>.</summary>
    private Guid? TargetTenant(HttpContext httpContext) =>
        target.Type == "tenant" && Guid.TryParse(target.Id, out var named) ? named
        : Guid.TryParse(httpContext.GetRouteValue("id")?.ToString(), out var routed) ? routed
        : null;

    /// <summary>The handler's <see cref="IAuditTarget"/>, else the route value <c>id</c>, else a 201's Location.</summary>
    private (string? Type, string? Id) ResolveTarget(HttpContext httpContext, KernelRouteMetadata route, string? location)
    {
        if (target.Id is not null)
        {
            return (target.Type, target.Id);
        }

        var id = httpContext.GetRouteValue("id")?.ToString();
        if (string.IsNullOrEmpty(id) && location is { Length: > 0 })
        {
            id = location.TrimEnd('/').Split('/')[^1];
        }

        return string.IsNullOrEmpty(id) ? (null, null) : (route.Name.Split('.')[0], AuditTarget.Truncate(id));
    }

    private static string? LocationOf(object? result) => result switch
    {
        Created created => created.Location,
        IResult other when other.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Created<>) =>
            type.GetProperty(nameof(Created.Location))?.GetValue(other) as string,
        _ => null,
    };
}
