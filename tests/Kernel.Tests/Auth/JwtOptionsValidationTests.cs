using Kernel.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Kernel.Tests.Auth;

/// <summary>A JWT configuration the kernel cannot enforce fails start-up with a message naming the setting.</summary>
public sealed class JwtOptionsValidationTests
{
    [Fact]
    public void A_complete_configuration_passes() => Assert.Empty(Failures(Valid()));

    [Fact]
    public void Issuer_and_audience_are_required()
    {
        var options = Valid();
        options.Auth.Issuer = null;
        options.Auth.Audience = "";

        var failures = Failures(options);

        Assert.Contains(failures, f => f.Contains("Kernel:Auth:Issuer", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Kernel:Auth:Audience", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public void Symmetric_and_unsigned_algorithms_are_refused(string algorithm)
    {
        var options = Valid();
        options.Auth.Algorithms = ["RS256", algorithm];

        Assert.Contains(Failures(options), f => f.Contains(algorithm, StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_algorithm_list_is_refused()
    {
        var options = Valid();
        options.Auth.Algorithms = [];

        Assert.Contains(Failures(options), f => f.Contains("Algorithms is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Clock_skew_above_30_seconds_is_refused()
    {
        var options = Valid();
        options.Auth.ClockSkew = TimeSpan.FromMinutes(5);

        Assert.Contains(Failures(options), f => f.Contains("ClockSkew", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_http_metadata_is_refused_outside_development()
    {
        var options = Valid();
        options.Auth.Authority = "http://idp.example";
        options.Auth.RequireHttpsMetadata = false;

        Assert.Contains(Failures(options, Environments.Production), f => f.Contains("RequireHttpsMetadata", StringComparison.Ordinal));
        Assert.Empty(Failures(options, Environments.Development));
    }

    [Fact]
    public void Discovery_and_a_bare_jwks_cannot_be_combined()
    {
        var options = Valid();
        options.Auth.JwksUri = "https://idp.example/keys";

        Assert.Contains(Failures(options), f => f.Contains("JwksUri cannot be combined", StringComparison.Ordinal));
    }

    private static KernelOptions Valid()
    {
        var options = new KernelOptions();
        options.Database.ConnectionString = "Host=localhost;Username=app";
        options.Database.OwnerConnectionString = "Host=localhost;Username=owner";
        options.Auth.Authority = "https://idp.example";
        options.Auth.Issuer = "https://idp.example";
        options.Auth.Audience = "api";
        return options;
    }

    private static IReadOnlyList<string> Failures(KernelOptions options, string environment = "Production")
    {
        var result = new KernelOptionsValidator(new HostingEnvironment { EnvironmentName = environment }).Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }
}
