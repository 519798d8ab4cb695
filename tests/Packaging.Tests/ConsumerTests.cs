namespace Packaging.Tests;

/// <summary>
/// A fresh project that references the packages from the local feed only (Kernel's own dependencies come from
/// the normal NuGet source), the way a team would: it builds, its host starts, and the KRN rules arrive with
/// the Kernel package.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ConsumerTests(PackedFeed feed)
{
    private const string Program = """
        using Addons.Requests;

        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddKernel(builder.Configuration).AddAddon<RequestsAddon>().AddAddon<RemindersAddon>();
        builder.Services.AddLocalPostgresWhenUnconfigured();

        var app = builder.Build();
        app.MapGet("/ping", () => "pong").ExcludeFromKernel();
        app.MapKernel();

        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        Console.WriteLine("PING " + await client.GetStringAsync("/ping"));
        Console.WriteLine("REQUESTS " + (int)(await client.GetAsync("/api/requests")).StatusCode);
        await app.StopAsync();
        await app.DisposeAsync();
        """;

    private const string RawEndpoint = """
        namespace Consumer;

        internal static class RawEndpoints
        {
            public static void Map(WebApplication app) =>
                app.MapGet("/raw", (HttpContext http) => http.Request.Headers["X-Tenant-Id"].ToString());
        }
        """;

    [Fact]
    public async Task A_fresh_consumer_builds_from_the_feed_and_its_host_starts()
    {
        var project = CreateConsumer("clean");

        var build = await DotNet.RunAsync(project, TimeSpan.FromMinutes(8), "build", "-c", "Release");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("KRN", build.Output, StringComparison.Ordinal);

        var run = await DotNet.RunAsync(project, TimeSpan.FromMinutes(4), "run", "-c", "Release", "--no-build");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("PING pong", run.Output, StringComparison.Ordinal);
        Assert.Contains("REQUESTS 401", run.Output, StringComparison.Ordinal);
    }

    private const string RawDatabase = """
        using Npgsql;

        namespace Consumer;

        internal static class Reports
        {
            public static async Task<long> CountAsync(string cs)
            {
                await using var connection = new NpgsqlConnection(cs);
                await using var dataSource = NpgsqlDataSource.Create(cs);
                await using var command = dataSource.CreateCommand("select count(*) from kernel.audit_log");
                return (long)(await command.ExecuteScalarAsync())!;
            }
        }
        """;

    [Fact]
    public async Task A_raw_connection_and_a_data_source_in_an_app_without_addons_show_KRN3001()
    {
        var project = CreateConsumer("rawdb");
        await File.WriteAllTextAsync(Path.Combine(project, "Reports.cs"), RawDatabase);

        var build = await DotNet.RunAsync(project, TimeSpan.FromMinutes(8), "build", "-c", "Release", "--no-incremental");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Matches(@"Reports\.cs\(9,\d+\): warning KRN3001: 'new NpgsqlConnection'", build.Output);
        Assert.Matches(@"Reports\.cs\(10,\d+\): warning KRN3001: 'NpgsqlDataSource\.Create'", build.Output);
        Assert.Contains("docs/rules/KRN3001.md", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raw_endpoint_and_a_header_read_tenant_show_KRN_warnings_with_help_links()
    {
        var project = CreateConsumer("raw");
        await File.WriteAllTextAsync(Path.Combine(project, "RawEndpoints.cs"), RawEndpoint);

        var build = await DotNet.RunAsync(project, TimeSpan.FromMinutes(8), "build", "-c", "Release", "--no-incremental");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.Contains("warning KRN1001", build.Output, StringComparison.Ordinal);
        Assert.Contains("docs/rules/KRN1001.md", build.Output, StringComparison.Ordinal);
        Assert.Contains("warning KRN2001", build.Output, StringComparison.Ordinal);
        Assert.Contains("docs/rules/KRN2001.md", build.Output, StringComparison.Ordinal);
    }

    private string CreateConsumer(string name)
    {
        var directory = Path.Combine(feed.Root, "consumer-" + name);
        Directory.CreateDirectory(directory);

        feed.Isolate(directory);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RootNamespace>Consumer</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Kernel" Version="{feed.Version}" />
                <PackageReference Include="Kernel.Testing" Version="{feed.Version}" />
                <PackageReference Include="Addons.Requests" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
        return directory;
    }
}
