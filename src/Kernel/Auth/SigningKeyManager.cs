using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Kernel.Auth;

/// <summary>
/// Holds the issuer's metadata and signing keys for JwtBearer. Unlike IdentityModel's own manager, whose requested
/// refreshes run in the background, a refresh here happens on the next read, so the request that met the new
/// <c>kid</c> can be validated again at once: a key rotated in at the issuer is accepted without a restart and without
/// a failed request. Refreshes are rate-limited (<see cref="KernelAuthOptions.KeyRefreshInterval"/>), so a stream of
/// tokens with made-up kids cannot make the kernel hammer the issuer. The documents are parsed by IdentityModel.
/// </summary>
internal sealed class SigningKeyManager(
    string address,
    IConfigurationRetriever<OpenIdConnectConfiguration> retriever,
    IDocumentRetriever documents,
    TimeSpan refreshInterval,
    TimeSpan automaticRefreshInterval,
    TimeProvider time) : IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _renewAt;
    private DateTimeOffset _lastRefreshRequest = DateTimeOffset.MinValue;

    /// <summary>Whether the next read fetches the documents again.</summary>
    public bool RefreshPending
    {
        get
        {
            lock (_lock)
            {
                return _current is null || time.GetUtcNow() >= _renewAt;
            }
        }
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (!RefreshPending)
        {
            return _current!;
        }

        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (!RefreshPending)
            {
                return _current!;
            }

            try
            {
                var fresh = await retriever.GetConfigurationAsync(address, documents, cancel).ConfigureAwait(false);
                lock (_lock)
                {
                    _current = fresh;
                    _renewAt = time.GetUtcNow() + automaticRefreshInterval;
                }
            }
            catch (Exception) when (_current is not null && !cancel.IsCancellationRequested)
            {
                // The issuer is unreachable: keep the keys we have and try again after the refresh interval.
                lock (_lock)
                {
                    _renewAt = time.GetUtcNow() + refreshInterval;
                }
            }

            return _current!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks the configuration stale, at most once per refresh interval.</summary>
    public void RequestRefresh()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now - _lastRefreshRequest >= refreshInterval)
            {
                _lastRefreshRequest = now;
                _renewAt = now;
            }
        }
    }
}
