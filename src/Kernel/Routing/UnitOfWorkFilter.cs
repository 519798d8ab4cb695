using Kernel.Addons;
using Kernel.Audit;
using Kernel.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel.Routing;

/// <summary>
/// Commits the route's unit of work after the handler returns and before its result is written, so a client
/// never sees a success for a change that did not commit, and writes the audit entry of a state-changing route in
/// the same transaction. Failures (exceptions or error results) roll back, entry included. Only on state-changing
/// routes: GET and HEAD routes run read-only without a transaction.
/// </summary>
internal sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var result = await next(context).ConfigureAwait(false);
        if (result is IStatusCodeHttpResult { StatusCode: >= 400 })
        {
            return result;
        }

        var unitOfWork = http.RequestServices.GetRequiredService<UnitOfWork>();
        var route = http.GetEndpoint()?.Metadata.GetMetadata<KernelRouteMetadata>();
        var writer = route is { IsStateChanging: true } or { Access.Kind: RouteAccessKind.PlatformOperator }
            ? http.RequestServices.GetRequiredService<AuditWriter>()
            : null; // Tenant reads are not audited: resolve nothing for them.
        var entry = route switch
        {
            { Access.Kind: RouteAccessKind.PlatformOperator } => writer!.OperatorEntry(http, route, result),
            { IsStateChanging: true } => writer!.SuccessEntry(http, route, result),
            _ => null,
        };
        if (entry is not null && route is { IsStateChanging: false })
        {
            // An audited operator read: its unit is read-only, so the entry gets a transaction of its own.
            await unitOfWork.CommitAsync(http.RequestAborted).ConfigureAwait(false);
            await writer!.WriteOwnTransactionAsync(entry, http.RequestAborted).ConfigureAwait(false);
        }
        else if (entry is not null)
        {
            // In the change's own transaction, in the round trip that commits it: the entry commits with it or not at all.
            await using var batch = await unitOfWork.CreateFinalBatchAsync(http.RequestAborted).ConfigureAwait(false);
            entry(batch);
            await unitOfWork.CommitWithAsync(batch, http.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            await unitOfWork.CommitAsync(http.RequestAborted).ConfigureAwait(false);
        }

        return result;
    }
}
