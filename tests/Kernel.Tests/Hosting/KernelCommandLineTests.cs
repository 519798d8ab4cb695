using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.AspNetCore.Builder;

namespace Kernel.Tests.Hosting;

/// <summary>
/// A host's command is the first argument ASP.NET Core's command-line configuration ignores. Each case is checked
/// against the real provider: the configuration it reads is the same with and without the command, so the command is
/// never some option's value, and every option still reaches the configuration.
/// </summary>
public sealed class KernelCommandLineTests
{
    [Theory]
    [InlineData(null, "--urls", "http://127.0.0.1:5100")]
    [InlineData("demo", "demo", "--urls", "http://127.0.0.1:5100")]
    [InlineData("worker", "--urls", "http://127.0.0.1:5100", "worker")]
    [InlineData("migrate", "--environment", "Production", "migrate", "--Kernel:Database:MigrateOnStartup", "true")]
    [InlineData(null, "--urls=http://127.0.0.1:5100")]
    [InlineData("worker", "/urls", "http://127.0.0.1:5100", "worker")]
    [InlineData("demo", "urls=http://127.0.0.1:5100", "demo")]
    [InlineData("worker", "-v", "worker")]
    [InlineData(null, "--urls", "demo")]
    [InlineData(null)]
    public void The_command_is_the_argument_the_configuration_ignores(string? command, params string[] args)
    {
        var found = KernelCommandLine.FindCommand(args);

        Assert.Equal(command, found);
        var withCommand = Read(args);
        var withoutCommand = Read(command is null ? args : args.Where((a, i) => i != Array.IndexOf(args, command)).ToArray());
        Assert.Equal(withCommand, withoutCommand);
        Assert.DoesNotContain(withCommand, pair => pair.Key.Equals(command, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void An_option_value_is_read_as_configuration_not_as_a_command()
    {
        string[] args = ["--urls", "http://127.0.0.1:5100"];

        Assert.Null(KernelCommandLine.FindCommand(args));
        Assert.Equal("http://127.0.0.1:5100", Read(args)["urls"]);
    }

    private static Dictionary<string, string?> Read(string[] args)
    {
        var provider = new CommandLineConfigurationProvider(args);
        provider.Load();
        var root = new ConfigurationRoot([provider]);
        return root.AsEnumerable().ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
