using Kernel.Testing;
using Npgsql;

namespace Operations.Tests;

/// <summary>
/// The sample host as an OS process (<c>dotnet WebHost.dll [command]</c>), configured only through the environment,
/// as a deployment would configure it. Development environment with dev headers, so tests can act as any tenant.
/// </summary>
internal sealed class SampleHostProcess : IAsyncDisposable
{
    private readonly AppProcess _process;
    private readonly string? _owner;

    private SampleHostProcess(AppProcess process, Uri address, string? owner)
    {
        _process = process;
        Address = address;
        _owner = owner;
    }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (log lines at Warning and up, plus the kernel's Information lines).</summary>
    public string Output => _process.Output;

    /// <summary>The environment a sample host needs for <paramref name="runtime"/> and <paramref name="owner"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Settings(string runtime, string owner, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Kernel"] = runtime,
            ["ConnectionStrings:KernelOwner"] = owner,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Runs a one-shot command (<c>migrate</c>) to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string command, IReadOnlyDictionary<string, string> settings)
    {
        await using var host = Launch(command, settings);
        var exitCode = await host._process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, host.Output);
    }

    /// <summary>Starts the host (<paramref name="command"/>: null to serve, or <c>worker</c>) and waits until it answers <c>/health/live</c>.</summary>
    public static async Task<SampleHostProcess> StartAsync(string? command, IReadOnlyDictionary<string, string> settings)
    {
        var host = Launch(command, settings);
        try
        {
            await host.WaitUntilLiveAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the host (<paramref name="command"/>: null to serve, or <c>worker</c>) on a free loopback port without waiting for it to answer.</summary>
    public static SampleHostProcess Launch(string? command, IReadOnlyDictionary<string, string> settings)
    {
        var url = $"http://127.0.0.1:{AppProcess.FreeLoopbackPort()}";
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = url,
            ["Kernel:Auth:EnableDevHeaders"] = "true",
            ["Kernel:Auth:Authority"] = url,
            ["Kernel:Auth:Issuer"] = url,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Kernel"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = AppProcess.Start(Path.Combine(AppContext.BaseDirectory, "WebHost.dll"), command is null ? [] : [command], environment);
        return new SampleHostProcess(process, new Uri(url), settings.GetValueOrDefault("ConnectionStrings:KernelOwner"));
    }

    /// <summary>Waits until the host answers <c>/health/live</c>; fails with its output if it exits first or takes two minutes.</summary>
    public Task WaitUntilLiveAsync() => _process.WaitUntilAnswersAsync(Address, "/health/live", TimeSpan.FromMinutes(2));

    /// <summary>
    /// A client of this host acting as <paramref name="actor"/> of <paramref name="tenant"/> (dev headers), which it
    /// registers first (through the owner connection the host was given), since the registry is required.
    /// </summary>
    public HttpClient ClientAs(Guid tenant, string actor, params string[] roles)
    {
        RegisterTenant(tenant);
        return UnregisteredClientAs(tenant, actor, roles);
    }

    /// <summary>A client acting as <paramref name="actor"/> of <paramref name="tenant"/>, which it leaves as it is in the registry.</summary>
    public HttpClient UnregisteredClientAs(Guid tenant, string actor, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Dev-Tenant", tenant.ToString());
        client.DefaultRequestHeaders.Add("X-Dev-Actor", actor);
        client.DefaultRequestHeaders.Add("X-Dev-Roles", string.Join(',', roles));
        return client;
    }

    /// <summary>
    /// Registers <paramref name="tenant"/> as an active tenant on the sample's <c>pro</c> plan, which has the optional
    /// <c>requests-reminders</c> addon and a daily reminder limit the drills stay under; registering it again is harmless.
    /// </summary>
    public void RegisterTenant(Guid tenant) =>
        Execute("insert into kernel.tenants (id, slug, name, plan) values ($1, $2, $2, 'pro') on conflict do nothing", tenant, "t-" + tenant.ToString("N"));

    /// <summary>Switches the optional <paramref name="addon"/> on for <paramref name="tenant"/>, as an operator's override would.</summary>
    public void EnableAddon(Guid tenant, string addon) =>
        Execute(
            """
            insert into kernel.tenant_addons (tenant, addon, enabled, updated_at) values ($1, $2, true, clock_timestamp())
            on conflict (tenant, addon) do update set enabled = true, updated_at = clock_timestamp()
            """,
            tenant,
            addon);

    private void Execute(string sql, params object[] parameters)
    {
        var owner = _owner ?? throw new InvalidOperationException("The host was started without ConnectionStrings:KernelOwner, so tests cannot register tenants through it.");
        using var connection = new NpgsqlConnection(owner);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Sends SIGTERM (what an orchestrator sends to stop a pod) and returns the exit code once the process ended.</summary>
    public Task<int> TerminateAsync() => _process.TerminateAsync(TimeSpan.FromMinutes(2));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
