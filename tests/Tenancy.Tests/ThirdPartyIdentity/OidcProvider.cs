using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kernel.Testing;

namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// A real, certified third-party OpenID provider (node-oidc-provider, <c>tests/OidcProvider</c>) on a loopback port,
/// for tests of how the kernel takes tenants and roles from tokens it did not issue. Its <see cref="Clients"/> get
/// OAuth 2.0 client-credentials access tokens that are RFC 9068 JWTs (<c>typ: at+jwt</c>, RS256, the key in the
/// provider's JWKS) for <see cref="Audience"/>, carrying their organization and roles the way hosted identity
/// providers do. The signing key and the client secrets are made at start-up; nothing is committed.
/// </summary>
public sealed class OidcProvider : IAsyncLifetime
{
    /// <summary>Acme's service: <c>org_id</c> <c>org_acme</c>, role admin.</summary>
    public static readonly OidcProviderClient AcmeService = new("acme-service", ["admin"], OrgId: "org_acme");

    /// <summary>Globex's service: <c>org_id</c> <c>org_globex</c>, role member.</summary>
    public static readonly OidcProviderClient GlobexService = new("globex-service", ["member"], OrgId: "org_globex");

    /// <summary>An organization no tenant is mapped to: <c>org_id</c> <c>org_unmapped</c>, role admin.</summary>
    public static readonly OidcProviderClient StrangerService = new("stranger-service", ["admin"], OrgId: "org_unmapped");

    /// <summary>Acme again, with the organization nested as Clerk puts it: <c>o.id</c> <c>org_acme</c>, role member.</summary>
    public static readonly OidcProviderClient NestedService = new("nested-service", ["member"], NestedOrgId: "org_acme");

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Dictionary<string, string> _secrets = Clients.ToDictionary(
        client => client.ClientId,
        _ => RandomNumberGenerator.GetHexString(32, lowercase: true),
        StringComparer.Ordinal);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private NodeProcess? _process;
    private Uri? _tokenEndpoint;
    private Uri? _jwksUri;

    /// <summary>Gets every client the provider knows; to add one, declare it above and list it here.</summary>
    public static IReadOnlyList<OidcProviderClient> Clients { get; } = [AcmeService, GlobexService, StrangerService, NestedService];

    /// <summary>Gets the issuer (<c>iss</c>), <c>http://127.0.0.1:PORT</c>, exactly as the discovery document and tokens spell it.</summary>
    public string Issuer { get; } = "http://127.0.0.1:" + AppProcess.FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the API identifier: the resource indicator tokens are requested for, and their <c>aud</c>.</summary>
    public string Audience { get; } = "https://api.kernel.test";

    /// <summary>Gets the namespaced claim the roles are in (an array of strings), as Auth0 requires custom claims to be named.</summary>
    public string RolesClaim { get; } = "https://kernel.example/roles";

    /// <summary>Gets the discovery document's address (<c>/.well-known/openid-configuration</c>), e.g. for JwtBearer's <c>MetadataAddress</c>.</summary>
    public Uri MetadataAddress => new(Issuer + "/.well-known/openid-configuration");

    /// <summary>Gets the JWKS address from the discovery document.</summary>
    public Uri JwksUri => _jwksUri ?? throw new InvalidOperationException("The provider has not started.");

    /// <summary>Gets the last lines the provider printed, for failure messages.</summary>
    public string Output => _process?.Output ?? string.Empty;

    /// <summary>Gets a client-credentials access token for <paramref name="clientId"/> (one of <see cref="Clients"/>), for <see cref="Audience"/>.</summary>
    /// <param name="clientId">The client's id.</param>
    /// <param name="ct">Cancels the token request.</param>
    /// <returns>The access token, a compact JWS.</returns>
    public async Task<string> GetAccessTokenAsync(string clientId, CancellationToken ct)
    {
        if (!_secrets.TryGetValue(clientId, out var secret))
        {
            throw new ArgumentException($"'{clientId}' is not one of the provider's clients ({string.Join(", ", _secrets.Keys)}).", nameof(clientId));
        }

        var endpoint = _tokenEndpoint ?? throw new InvalidOperationException("The provider has not started.");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["resource"] = Audience,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));

        using var response = await _http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token request for {clientId} failed ({(int)response.StatusCode}): {body}{Environment.NewLine}{Output}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException($"The token response for {clientId} has no access_token: {body}");
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "OidcProvider");
        using (var install = new CancellationTokenSource(InstallTimeout))
        {
            await NodePackage.EnsureInstalledAsync(directory, install.Token);
        }

        _process = NodeProcess.Start(directory, "server.mjs", new Dictionary<string, string>
        {
            ["OIDC_PROVIDER_CONFIG"] = SettingsDocument(),
        });

        using var start = new CancellationTokenSource(StartTimeout);
        using var discovery = await WaitForDiscoveryAsync(_process, start.Token);
        var root = discovery.RootElement;
        if (root.GetProperty("issuer").GetString() != Issuer)
        {
            throw new InvalidOperationException($"The provider's discovery document names another issuer: {root}");
        }

        _tokenEndpoint = new Uri(root.GetProperty("token_endpoint").GetString()!);
        _jwksUri = new Uri(root.GetProperty("jwks_uri").GetString()!);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _http.Dispose();
    }

    // What server.mjs reads (its header documents the shape); the port is the issuer's.
    private string SettingsDocument() => JsonSerializer.Serialize(
        new
        {
            Port = new Uri(Issuer).Port,
            Issuer,
            Resource = Audience,
            RolesClaim,
            Clients = Clients.Select(client => new
            {
                client.ClientId,
                ClientSecret = _secrets[client.ClientId],
                client.OrgId,
                OrgObject = client.NestedOrgId is null ? null : new { Id = client.NestedOrgId },
                client.Roles,
            }),
        },
        SettingsJson);

    private async Task<JsonDocument> WaitForDiscoveryAsync(NodeProcess process, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The OpenID provider exited with {process.ExitCode} before it answered:{Environment.NewLine}{process.Output}");
            }

            try
            {
                using var response = await _http.GetAsync(MetadataAddress, ct);
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                // Not answering yet, or the time is up (the loop's condition).
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        throw new TimeoutException($"The OpenID provider's discovery document at {MetadataAddress} did not answer within {StartTimeout}:{Environment.NewLine}{process.Output}");
    }
}
