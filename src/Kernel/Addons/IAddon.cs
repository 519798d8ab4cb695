using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kernel;

/// <summary>
/// A feature module: a manifest plus hooks for services and routes. Its SQL migrations are the
/// <c>*.sql</c> files embedded in its assembly under the logical name <c>Migrations/</c>
/// (<c>&lt;EmbeddedResource Include="Migrations/*.sql" LogicalName="Migrations/%(Filename)%(Extension)" /&gt;</c>);
/// the kernel applies them in dependency order.
/// </summary>
public interface IAddon
{
    /// <summary>Name, version, dependencies, permissions and default role grants.</summary>
    AddonManifest Manifest { get; }

    /// <summary>Registers the addon's services. Called once, when the addon is added.</summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The application's configuration.</param>
    void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <summary>Maps the addon's routes under the kernel's API prefix. Called in dependency order.</summary>
    /// <param name="routes">The kernel route builder.</param>
    void MapRoutes(KernelRouteGroup routes)
    {
    }

    /// <summary>
    /// Runs when a tenant is registered, in the new tenant's context and in the transaction that registers it (seed
    /// its defaults here; a failure undoes the registration). Called in dependency order.
    /// </summary>
    /// <param name="unitOfWork">The registration's unit of work, under the new tenant's row-level security.</param>
    /// <param name="tenantId">The new tenant's id.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the hook has run.</returns>
    Task OnTenantCreatedAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs when this (optional) addon is switched on for a tenant, by an operator or a plan, in the tenant's context and
    /// in the transaction that switches it (seed its defaults here; a failure undoes the switch). Must be idempotent: it
    /// also runs when the addon was on already.
    /// </summary>
    /// <param name="unitOfWork">The switch's unit of work, under the tenant's row-level security.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the hook has run.</returns>
    Task OnEnabledAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Runs when this (optional) addon is switched off for a tenant, in the tenant's context and in the switch's
    /// transaction. The tenant's data stays (it is there again when the addon is switched back on). Must be idempotent.
    /// </summary>
    /// <param name="unitOfWork">The switch's unit of work, under the tenant's row-level security.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the hook has run.</returns>
    Task OnDisabledAsync(IUnitOfWork unitOfWork, Guid tenantId, CancellationToken cancellationToken) => Task.CompletedTask;
}
