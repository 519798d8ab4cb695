using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Kernel.Hosting;

/// <summary>Fails start-up with a clear message for a configuration the kernel cannot run safely with.</summary>
internal sealed partial class KernelOptionsValidator(IHostEnvironment environment) : IValidateOptions<KernelOptions>
{
    public ValidateOptionsResult Validate(string? name, KernelOptions options)
    {
        var failures = new List<string>();
        if (!ApiPrefixPattern().IsMatch(options.ApiPrefix))
        {
            failures.Add($"Kernel:ApiPrefix '{options.ApiPrefix}' must start with '/' and contain only lower-case letters, digits, '-', '_' and '/', e.g. '/api'.");
        }

        if (options.Auth.EnableDevHeaders && !environment.IsDevelopment())
        {
            failures.Add(
                $"Kernel:Auth:EnableDevHeaders is on in the '{environment.EnvironmentName}' environment. Dev headers let any caller pick a tenant and roles, so they are allowed only in Development. Turn the setting off and configure JWT (Kernel:Auth).");
        }

        Auth.JwtOptionsValidation.Check(failures, options.Auth, environment);
        CheckConnectionString(failures, "Kernel:Database:ConnectionString (or ConnectionStrings:Kernel)", options.Database.ConnectionString, required: true);
        CheckConnectionString(
            failures,
            "Kernel:Database:OwnerConnectionString (or ConnectionStrings:KernelOwner)",
            options.Database.OwnerConnectionString,
            required: options.Database.MigrateOnStartup);
        CheckConnectionString(failures, "Kernel:Database:NotificationConnectionString", options.Database.NotificationConnectionString, required: false);
        if (options.Database.Timeout < TimeSpan.FromSeconds(1) || options.Database.Timeout > TimeSpan.FromMinutes(10) || options.Database.Timeout.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"Kernel:Database:Timeout '{options.Database.Timeout}' must be whole seconds between 00:00:01 and 00:10:00, e.g. '00:00:15'.");
        }

        CheckRateLimits(failures, options.RateLimiting, options.Tenancy);
        CheckTenancy(failures, options.Tenancy);
        CheckLimits(failures, options.Limits);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckTenancy(List<string> failures, KernelTenancyOptions tenancy)
    {
        if (!Enum.IsDefined(tenancy.Registry))
        {
            failures.Add($"Kernel:Tenancy:Registry must be Required or Open (it is '{tenancy.Registry}').");
        }

        if (string.IsNullOrWhiteSpace(tenancy.OperatorRole) || tenancy.OperatorRole.Length > 100 || tenancy.OperatorRole.Any(c => char.IsWhiteSpace(c) || c == ','))
        {
            failures.Add($"Kernel:Tenancy:OperatorRole '{tenancy.OperatorRole}' must be a role name of 1 to 100 characters without spaces or commas, e.g. 'platform-operator'.");
        }

        if (tenancy.CacheSize is < 100 or > 1_000_000)
        {
            failures.Add($"Kernel:Tenancy:CacheSize {tenancy.CacheSize} must be between 100 and 1000000.");
        }

        if (tenancy.HostSuffix is { } suffix && !HostSuffixPattern().IsMatch(suffix))
        {
            failures.Add($"Kernel:Tenancy:HostSuffix '{suffix}' must be a domain starting with '.', e.g. '.example.com'.");
        }

        if (tenancy.HeaderName is { } header && (!HeaderNamePattern().IsMatch(header) || header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            failures.Add($"Kernel:Tenancy:HeaderName '{header}' must be an HTTP header name such as 'X-Tenant'.");
        }

        if (string.IsNullOrWhiteSpace(tenancy.MembershipsClaim))
        {
            failures.Add("Kernel:Tenancy:MembershipsClaim must name a claim, e.g. 'tenants'.");
        }

        foreach (var slug in tenancy.ReservedSlugs.Where(s => !Tenants.TenantProvisioner.IsValidSlug(s)))
        {
            failures.Add($"Kernel:Tenancy:ReservedSlugs: '{slug}' is not a slug (lower-case letters and digits, single hyphens between them).");
        }

        CheckLifecycle(failures, tenancy);
    }

    private static void CheckRateLimits(List<string> failures, KernelRateLimitingOptions rateLimiting, KernelTenancyOptions tenancy)
    {
        foreach (var (name, policy) in rateLimiting.Policies.Prepend(new("Default", rateLimiting.Default)))
        {
            CheckPolicy(failures, name == "Default" ? "Kernel:RateLimiting:Default" : $"Kernel:RateLimiting:Policies:{name}", policy);
        }

        // A plan's budgets replace configured policies, so each must name one.
        foreach (var (plan, definition) in tenancy.Plans)
        {
            foreach (var (name, policy) in definition?.RateLimits ?? new Dictionary<string, KernelRateLimitPolicy>())
            {
                var setting = $"Kernel:Tenancy:Plans:{plan}:RateLimits:{name}";
                if (!string.Equals(name, Limits.KernelRateLimiter.DefaultPolicy, StringComparison.OrdinalIgnoreCase) && !rateLimiting.Policies.ContainsKey(name))
                {
                    failures.Add($"{setting} names no policy: use 'Default' or one of Kernel:RateLimiting:Policies.");
                }

                CheckPolicy(failures, setting, policy);
            }
        }
    }

    private static void CheckPolicy(List<string> failures, string setting, KernelRateLimitPolicy? policy)
    {
        if (policy is null)
        {
            failures.Add($"{setting} is empty.");
            return;
        }

        if (policy.TenantPermits < 1 || policy.ActorPermits < 1)
        {
            failures.Add($"{setting}: TenantPermits and ActorPermits must be at least 1 (they are {policy.TenantPermits} and {policy.ActorPermits}).");
        }

        if (policy.ActorPermits > policy.TenantPermits)
        {
            failures.Add($"{setting}: ActorPermits ({policy.ActorPermits}) must not exceed TenantPermits ({policy.TenantPermits}); one actor would never reach its own limit.");
        }

        if (policy.Window < TimeSpan.FromSeconds(1) || policy.Window > TimeSpan.FromDays(1))
        {
            failures.Add($"{setting}: Window must be from 1 second to 1 day (it is {policy.Window}).");
        }
    }

    private static void CheckLimits(List<string> failures, KernelRequestLimits limits)
    {
        if (limits.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"Kernel:Limits:MaxRequestBodyBytes must be at least 1024 (it is {limits.MaxRequestBodyBytes}).");
        }

        if (limits.MaxJsonDepth is < 1 or > 256)
        {
            failures.Add($"Kernel:Limits:MaxJsonDepth must be from 1 to 256 (it is {limits.MaxJsonDepth}).");
        }

        if (limits.MaxStringLength < 1 || limits.MaxQueryValueLength < 1)
        {
            failures.Add("Kernel:Limits:MaxStringLength and MaxQueryValueLength must be at least 1.");
        }
    }

    private static void CheckLifecycle(List<string> failures, KernelTenancyOptions tenancy)
    {
        if (tenancy.MaxImportBytes < 1024)
        {
            failures.Add($"Kernel:Tenancy:MaxImportBytes must be at least 1024 (it is {tenancy.MaxImportBytes}).");
        }

        if (tenancy.ErasureBatchSize is < 1 or > 100_000)
        {
            failures.Add($"Kernel:Tenancy:ErasureBatchSize must be from 1 to 100000 (it is {tenancy.ErasureBatchSize}).");
        }
    }

    private static void CheckConnectionString(List<string> failures, string setting, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{setting} is not set. Set it to a PostgreSQL connection string.");
            }

            return;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{setting} is not a valid connection string: {ex.Message}");
        }
    }

    [GeneratedRegex("^/[a-z0-9/_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiPrefixPattern();

    [GeneratedRegex(@"^(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex HostSuffixPattern();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNamePattern();
}
