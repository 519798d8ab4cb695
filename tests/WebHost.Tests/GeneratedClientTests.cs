using Addons.Requests;
using Kernel.Testing;

namespace WebHost.Tests;

/// <summary>
/// The document is good enough for a real generator: Kiota (the repository's local tool, .config/dotnet-tools.json)
/// generates a C# client from the running sample's <c>/openapi/v1.json</c>, a throwaway project compiles it with the
/// demo's main calls — whose typed members (a title is a <c>string</c>, a status an enum, a version an <c>int</c>) are
/// what the compiler checks — and runs them against the host: sign up, log in, create, read back, list, move, and a
/// 404 and a 400 as the typed <c>KernelProblem</c> exception with its <c>code</c>.
/// </summary>
public sealed class GeneratedClientTests(KernelDatabaseFixture<RequestsAddon> fixture) : IClassFixture<KernelDatabaseFixture<RequestsAddon>>
{
    private const string KiotaPackageVersion = "2.1.6";

    private const string Program = """
        using System.Net.Http.Headers;
        using Microsoft.Kiota.Abstractions.Authentication;
        using Microsoft.Kiota.Http.HttpClientLibrary;
        using SampleClient;
        using SampleClient.Models;

        var baseUrl = args[0];
        using var http = new HttpClient();
        var client = new SampleApiClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = baseUrl });

        var email = $"kiota-{Guid.NewGuid():N}@example.test";
        const string password = "correct horse battery staple";
        MemberResponse member = (await client.Auth.Signup.PostAsync(new SignupBody { Email = email, Password = password, TenantName = "Kiota" }))!;
        Guid tenantId = member.TenantId!.Value;
        string role = member.Role!;
        Console.WriteLine($"SIGNUP {role} {tenantId}");

        TokenResponse token = (await client.Auth.Login.PostAsync(new LoginBody { Email = email, Password = password }))!;
        string accessToken = token.AccessToken!;
        int expiresIn = token.ExpiresIn!.Value;
        Console.WriteLine($"TOKEN {token.TokenType} {expiresIn > 0}");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        // Only the title: the optional members are left out, as the document allows.
        RequestResponse created = (await client.Api.Requests.PostAsync(new CreateRequestBody { Title = "Printer on fire" }))!;
        string title = created.Title!;
        RequestResponse_status status = created.Status!.Value;
        RequestResponse_priority priority = created.Priority!.Value;
        int version = created.Version!.Value;
        string requestedBy = created.RequestedBy!;
        Console.WriteLine($"CREATED {title}|{status}|{priority}|{version}|{requestedBy == member.UserId!.Value.ToString()}");

        RequestResponse read = (await client.Api.Requests[created.Id!.Value].GetAsync())!;
        Console.WriteLine($"READ {read.Id == created.Id} {read.Title} {read.Assignee is null}");

        RequestPage page = (await client.Api.Requests.GetAsync(c => c.QueryParameters.Status = SampleClient.Api.Requests.GetStatusQueryParameterType.Open))!;
        List<RequestResponse> items = page.Items!;
        Console.WriteLine($"LIST {items.Count} {items.Any(i => i.Id == created.Id)}");

        RequestResponse moved = (await client.Api.Requests[created.Id!.Value].Transition.PostAsync(new TransitionBody { To = TransitionBody_to.In_progress }))!;
        Console.WriteLine($"MOVED {moved.Status} {moved.Version}");

        try
        {
            await client.Api.Requests[Guid.NewGuid()].GetAsync();
            Console.WriteLine("MISSING no error");
        }
        catch (KernelProblem problem)
        {
            KernelProblem_code code = problem.Code!.Value;
            int statusCode = problem.ResponseStatusCode;
            Console.WriteLine($"MISSING {statusCode} {code} {problem.TraceId is { Length: > 0 }}");
        }

        try
        {
            await client.Api.Requests.PostAsync(new CreateRequestBody { Title = "" });
            Console.WriteLine("INVALID no error");
        }
        catch (KernelProblem problem)
        {
            Console.WriteLine($"INVALID {problem.ResponseStatusCode} {problem.Code} {string.Join(",", problem.Errors!.AdditionalData.Keys)}");
        }
        """;

    [Fact]
    public async Task A_kiota_client_of_the_document_compiles_with_typed_members_and_round_trips_the_demos_calls()
    {
        var port = AppProcess.FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var host = HostProcess.Start(fixture.Database, ["--urls", address.ToString()]);
        await host.WaitUntilLiveAsync(address);

        var root = Path.Combine(Path.GetTempPath(), "kernel-kiota-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            Directory.CreateDirectory(root);
            var document = Path.Combine(root, "openapi.json");
            using (var http = new HttpClient { BaseAddress = address })
            {
                await File.WriteAllTextAsync(document, await http.GetStringAsync("/openapi/v1.json"));
            }

            // The repository's tool manifest pins Kiota; .ci/run restores it up front, this is a no-op then.
            await RunAsync(RepositoryPaths.Root, "tool", "restore");
            await RunAsync(
                RepositoryPaths.Root,
                "kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", Path.Combine(root, "Client", "Generated"),
                "--namespace-name", "SampleClient", "--class-name", "SampleApiClient", "--exclude-backward-compatible", "--log-level", "Warning");

            WriteProject(Path.Combine(root, "Client"));
            var build = await RunAsync(Path.Combine(root, "Client"), "build", "-c", "Release");
            Assert.Contains(" 0 Error(s)", build, StringComparison.Ordinal);

            var run = await RunAsync(Path.Combine(root, "Client"), "run", "-c", "Release", "--no-build", "--", address.ToString().TrimEnd('/'));
            Assert.Contains("SIGNUP admin ", run, StringComparison.Ordinal);
            Assert.Contains("TOKEN Bearer True", run, StringComparison.Ordinal);
            Assert.Contains("CREATED Printer on fire|Open|Normal|1|True", run, StringComparison.Ordinal);
            Assert.Contains("READ True Printer on fire True", run, StringComparison.Ordinal);
            Assert.Contains("LIST 1 True", run, StringComparison.Ordinal);
            Assert.Contains("MOVED In_progress 2", run, StringComparison.Ordinal);
            Assert.Contains("MISSING 404 NOT_FOUND True", run, StringComparison.Ordinal);
            Assert.Contains("INVALID 400 VALIDATION_FAILED title", run, StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    /// <summary>A project of its own, as a client team's: none of the repository's build policy or package versions leak in.</summary>
    private static void WriteProject(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        var packages = string.Concat(
            new[] { "Abstractions", "Http.HttpClientLibrary", "Serialization.Json", "Serialization.Text", "Serialization.Form", "Serialization.Multipart" }
                .Select(p => $"""<PackageReference Include="Microsoft.Kiota.{p}" Version="{KiotaPackageVersion}" />"""));
        File.WriteAllText(Path.Combine(directory, "Client.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>{packages}</ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
    }

    /// <summary>Kiota stays offline (no update check, no tutorial).</summary>
    private static readonly Dictionary<string, string> KiotaOffline = new()
    {
        ["KIOTA_OFFLINE_ENABLED"] = "true",
        ["KIOTA_TUTORIAL_ENABLED"] = "false",
    };

    /// <summary>The dotnet CLI through the shared runner; a failure fails the test with its output.</summary>
    private static async Task<string> RunAsync(string directory, params string[] arguments)
    {
        var (exitCode, output) = await DotNet.RunProgramAsync("dotnet", directory, TimeSpan.FromMinutes(6), KiotaOffline, arguments);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        return output;
    }
}
