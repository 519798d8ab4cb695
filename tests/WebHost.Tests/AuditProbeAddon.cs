using Kernel;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace WebHost.Tests;

/// <summary>
/// A test-only addon (no migrations: this assembly embeds none) whose routes write a row and then succeed or fail,
/// to pin that the audit entry shares the change's transaction.
/// </summary>
public sealed class AuditProbeAddon : IAddon
{
    public AddonManifest Manifest { get; } = new() { Name = "probe", Version = "0.0.0", Summary = "Audit probes for tests." };

    public void MapRoutes(KernelRouteGroup routes)
    {
        routes.MapPost("/probe/{role}/ok", "probe.write", RouteAccess.Authenticated, (string role, IUnitOfWork unitOfWork, IAuditTarget audit) =>
            WriteAsync(role, unitOfWork, audit, fail: false));
        routes.MapPost("/probe/{role}/fail", "probe.write_then_fail", RouteAccess.Authenticated, (string role, IUnitOfWork unitOfWork, IAuditTarget audit) =>
            WriteAsync(role, unitOfWork, audit, fail: true));
    }

    private static async Task<IResult> WriteAsync(string role, IUnitOfWork unitOfWork, IAuditTarget audit, bool fail)
    {
        var db = await unitOfWork.GetDbAsync();
        await db.ExecuteAsync(
            "insert into kernel.role_grants (role, permissions, updated_at, updated_by) values (@role, '{}', now(), 'probe')",
            new DataParameter("role", role));
        audit.Set("role", role);
        return fail ? throw KernelException.Conflict("The probe failed after writing.") : Results.Ok();
    }
}

/// <summary>The sample host plus <see cref="AuditProbeAddon"/>.</summary>
public sealed class AuditProbeFactory : WebHostFactory
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices((context, services) => services.AddKernel(context.Configuration).AddAddon<AuditProbeAddon>());
    }
}
