using System.Net;
using System.Text.Json;

namespace WebHost.Tests;

/// <summary>
/// The sample host's OpenAPI document passes a real linter: Redocly CLI's recommended rules (tests/OpenApiLint, its
/// version pinned by the committed lock file) report no error. Warnings are allowed and printed.
/// </summary>
public sealed class OpenApiLintTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_document_has_no_error_under_Redoclys_recommended_rules()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = Path.Combine(Path.GetTempPath(), $"kernel-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync());
        try
        {
            var linter = Path.Combine(RepositoryPaths.Root, "tests", "OpenApiLint");
            using (var install = new CancellationTokenSource(InstallTimeout))
            {
                await NodePackage.EnsureInstalledAsync(linter, install.Token);
            }

            using var lint = new CancellationTokenSource(LintTimeout);
            var run = await NodePackage.RunCommandAsync(
                linter,
                "redocly",
                ["lint", document, "--config", Path.Combine(linter, "redocly.yaml"), "--format", "json"],
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
                lint.Token);

            var (errors, warnings, problems) = Read(run.StandardOutput);
            Assert.True(errors == 0, $"redocly lint: {errors} error(s), {warnings} warning(s), exit code {run.ExitCode}:{Environment.NewLine}{problems}{Environment.NewLine}{run.StandardError}");
            Assert.Equal(0, run.ExitCode);
        }
        finally
        {
            File.Delete(document);
        }
    }

    /// <summary>The totals and one line per problem from the JSON report (standard output; the CLI's banners go to standard error).</summary>
    private static (int Errors, int Warnings, string Problems) Read(string output)
    {
        try
        {
            using var report = JsonDocument.Parse(output);
            var totals = report.RootElement.GetProperty("totals");
            var lines = report.RootElement.GetProperty("problems").EnumerateArray().Select(p =>
                $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()} at " +
                $"{string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()))}: " +
                p.GetProperty("message").GetString());
            return (totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(), string.Join(Environment.NewLine, lines));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (-1, -1, output);
        }
    }
}
