using Coravel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Kernel.Jobs;

/// <summary>Registers the queue, the worker and the scheduler; called by <c>AddKernel</c>.</summary>
internal static class JobsServiceCollectionExtensions
{
    public static IServiceCollection AddKernelJobs(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(JobRegistry)))
        {
            return services;
        }

        services.AddOptions<KernelJobsOptions>()
            .Bind(configuration.GetSection(KernelJobsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<JobRegistry>();
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<WorkerIdentity>();
        services.TryAddScoped<JobQueue>();
        services.TryAddScoped<IJobQueue>(sp => sp.GetRequiredService<JobQueue>());
        services.TryAddSingleton<JobWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JobWorker>());
        services.AddMetrics();
        services.TryAddSingleton<JobQueueGauges>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<JobQueueGauges>());
        services.AddScheduler();
        services.AddSingleton<IHostedService, JobScheduler>();
        return services;
    }
}
