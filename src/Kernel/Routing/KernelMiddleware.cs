using System.Diagnostics;
using Kernel.Addons;
using Kernel.Audit;
using Kernel.Auth;
using Kernel.Errors;
using Kernel.Limits;
using Kernel.Telemetry;
using Kernel.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kernel.Routing;

/// <summary>
/// The route wrapper. For kernel routes: correlation id, identity, tenant, access decision, context, log scope,
/// span, duration metric and the error envelope for every failure. For unmatched paths under the API prefix:
/// the envelope for 404 and 405.
/// </summary>
internal sealed partial class KernelMiddleware(
    RequestDelegate next,
    IEnumerable<IIdentitySource> identitySources,
    PermissionCatalog permissions,
    TenantResolver tenants,
    IOptions<KernelOptions> options,
    TimeProvider timeProvider,
    ILogger<KernelMiddleware> logger)
{
    private readonly IIdentitySource[] _identitySources = identitySources.ToArray();
    private readonly PathString _apiPrefix = new(options.Value.ApiPrefix);
    private readonly KernelRequestLimits _limits = options.Value.Limits;
    private readonly bool _rateLimited = options.Value.RateLimiting.Enabled;
    private readonly string _operatorRole = options.Value.Tenancy.OperatorRole;

    public async Task InvokeAsync(HttpContext httpContext)
    {
        var correlationId = CorrelationId.Get(httpContext);
        httpContext.Response.OnStarting(static state => { CorrelationId.Echo((HttpContext)state); return Task.CompletedTask; }, httpContext);

        var route = httpContext.GetEndpoint()?.Metadata.GetMetadata<KernelRouteMetadata>();
        if (route is null)
        {
            await next(httpContext).ConfigureAwait(false);
            if (httpContext.Request.Path.StartsWithSegments(_apiPrefix) && !httpContext.Response.HasStarted)
            {
                await WriteFallbackAsync(httpContext).ConfigureAwait(false);
            }

            return;
        }

        var started = timeProvider.GetTimestamp();

        // A child of ASP.NET Core's server span (which carries the HTTP semantic conventions); null, and free, when
        // nothing listens to the kernel's source.
        using var activity = KernelTelemetry.ActivitySource.StartActivity(route.Name, ActivityKind.Internal);
        activity?.SetTag("kernel.route", route.Name);
        activity?.SetTag("kernel.correlation_id", correlationId);
        IDisposable? scope = null;
        string? errorCode = null;
        try
        {
            RequestLimitCheck.Apply(httpContext, _limits);
            var context = await EstablishAsync(httpContext, route, correlationId, activity).ConfigureAwait(false);
            activity?.SetTag("kernel.tenant_id", context.TenantId?.ToString());
            activity?.SetTag("enduser.id", context.Actor?.Id);

            // Until the finally below, so the failure log lines of the catch blocks carry it too.
            scope = logger.BeginScope(new KernelLogScope("Route", route.Name, null, context.TenantId, context.Actor?.Id, correlationId, context.Trace.TraceId));
            await next(httpContext).ConfigureAwait(false);
            if (!httpContext.Response.HasStarted && httpContext.Response.StatusCode >= 400)
            {
                // A handler returned a bare status result (Results.NotFound()): give it the envelope too.
                var error = ErrorMapper.FromStatus(httpContext.Response.StatusCode);
                errorCode = error.Code;
                await ErrorEnvelope.WriteAsync(httpContext, error).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            LogAborted(logger, route.Name);
        }
        catch (Exception ex)
        {
            var error = ErrorMapper.Map(ex, out var unexpected);
            errorCode = error.Code;
            if (unexpected || error.Status >= 500)
            {
                LogFailed(logger, ex, route.Name, error.Code);
            }

            if (error.Code == KernelErrorCodes.Forbidden)
            {
                await AuditDenialAsync(httpContext, route, error.Status).ConfigureAwait(false);
            }

            if (httpContext.Response.HasStarted)
            {
                // Too late for an envelope; abort so the client sees a broken response, not a truncated success.
                httpContext.Abort();
            }
            else
            {
                await ErrorEnvelope.WriteAsync(httpContext, error).ConfigureAwait(false);
            }
        }
        finally
        {
            scope?.Dispose();
            var status = httpContext.Response.StatusCode;
            if (activity is not null)
            {
                activity.SetTag("http.response.status_code", status);

                // An envelope written further in (the rate limiter's 429) has its status but not its code here.
                errorCode ??= status >= 400 ? ErrorMapper.FromStatus(status).Code : null;
                if (errorCode is not null)
                {
                    activity.SetTag("error.type", errorCode);
                    activity.SetStatus(ActivityStatusCode.Error, errorCode);
                }
            }

            if (KernelTelemetry.RouteDuration.Enabled)
            {
                KernelTelemetry.RouteDuration.Record(
                    timeProvider.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("kernel.route", route.Name),
                    new KeyValuePair<string, object?>("kernel.status_class", KernelTelemetry.StatusClass(status)));
            }
        }
    }

    private async Task<KernelContext> EstablishAsync(HttpContext httpContext, KernelRouteMetadata route, string correlationId, Activity? activity)
    {
        var identity = IdentityResult.None;
        foreach (var source in _identitySources)
        {
            identity = await source.AuthenticateAsync(httpContext).ConfigureAwait(false);
            if (!ReferenceEquals(identity, IdentityResult.None))
            {
                break;
            }
        }

        var access = route.Access;
        KernelActor? actor = null;
        ResolvedTenant? tenant = null;
        if (identity.Failure is null && identity.ActorId is not null)
        {
            actor = new KernelActor(identity.ActorId, identity.Roles);
        }

        if (access.Kind == RouteAccessKind.PlatformOperator)
        {
            // Operators act outside every tenant: no tenant is resolved, whatever the credentials name.
            if (actor is null)
            {
                throw identity.Failure is null ? KernelException.Unauthenticated() : KernelException.InvalidToken(identity.Failure);
            }

        }
        else if (access.Kind != RouteAccessKind.Public)
        {
            if (actor is null)
            {
                throw identity.Failure is null
                    ? KernelException.Unauthenticated()
                    : KernelException.InvalidToken(identity.Failure);
            }

            tenant = await tenants.ResolveAsync(httpContext, identity, httpContext.RequestAborted).ConfigureAwait(false)
                ?? throw KernelException.TenantRequired();
        }
        else if (actor is not null)
        {
            // Public routes run anonymously unless the identity names a tenant it may use (and the registry can say so
            // now: a public route does not fail because the database does).
            try
            {
                tenant = await tenants.ResolveAsync(httpContext, identity, httpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                tenant = null;
            }

            if (tenant is null)
            {
                actor = null;
            }
        }

        // An optional addon's routes answer only tenants that have it on: before the context, any data access or binding.
        if (route.AddonOptional && tenant is { } resolved && !resolved.HasAddon(route.Addon))
        {
            throw KernelException.AddonNotEnabled(route.Addon);
        }

        var trace = activity?.Context ?? Activity.Current?.Context ?? default;
        var context = new KernelContext(tenant?.Id, actor, correlationId, trace);
        httpContext.RequestServices.GetRequiredService<KernelContextAccessor>().Establish(context, readOnly: !route.IsStateChanging);
        if (_rateLimited)
        {
            httpContext.Features.Set(context); // The rate limiter partitions on it; a feature is cheaper to read than the scoped accessor.
            if (tenant?.Entry?.Plan is { } plan)
            {
                httpContext.Features.Set(RatePlan.Of(plan)); // The plan's budgets, if it has its own.
            }
        }

        // After the context exists, so a denial is audited under it.
        if (access.Kind == RouteAccessKind.PlatformOperator && !actor!.Roles.Contains(_operatorRole))
        {
            throw KernelException.Forbidden("This route is for platform operators.");
        }

        // The tenant's role overrides are read in its unit of work, under RLS.
        if (access.Kind == RouteAccessKind.Permission
            && !await permissions.IsGrantedAsync(actor!, access.PermissionName!, httpContext.RequestServices.GetRequiredService<RoleGrantStore>(), httpContext.RequestAborted).ConfigureAwait(false))
        {
            throw KernelException.Forbidden($"This requires the permission '{access.PermissionName}'.");
        }

        return context;
    }

    /// <summary>Denied attempts are kept even though the route's work rolls back; a failure to record one is logged, not surfaced.</summary>
    private async Task AuditDenialAsync(HttpContext httpContext, KernelRouteMetadata route, int status)
    {
        try
        {
            await httpContext.RequestServices.GetRequiredService<AuditWriter>().WriteDeniedAsync(httpContext, route, status, httpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAuditFailed(logger, ex, route.Name);
        }
    }

    private static Task WriteFallbackAsync(HttpContext httpContext) => httpContext.Response.StatusCode switch
    {
        // Routing itself answers 404, 405 (method) and 415 (content type) with bare statuses.
        StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status415UnsupportedMediaType =>
            ErrorEnvelope.WriteAsync(httpContext, ErrorMapper.FromStatus(httpContext.Response.StatusCode)),
        _ => Task.CompletedTask,
    };

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Route {Route} failed with {Code}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string route, string code);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Recording a denied attempt on {Route} in the audit log failed")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string route);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Route {Route} was aborted by the client")]
    private static partial void LogAborted(ILogger logger, string route);
}
