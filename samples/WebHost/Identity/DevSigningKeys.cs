using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace WebHost.Identity;

/// <summary>
/// The identity provider's RSA signing keys, generated in memory at start (dev only: tokens die with the process).
/// All of them are published in the JWKS; the newest signs. <see cref="Rotate"/> publishes a new key and signs with it
/// from then on, as a hosted provider does on rotation.
/// </summary>
internal sealed class DevSigningKeys : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(RSA Rsa, RsaSecurityKey Key)> _keys = [];

    public DevSigningKeys() => Rotate();

    public RsaSecurityKey Current
    {
        get
        {
            lock (_lock)
            {
                return _keys[^1].Key;
            }
        }
    }

    public IReadOnlyList<RsaSecurityKey> Published
    {
        get
        {
            lock (_lock)
            {
                return _keys.Select(k => k.Key).ToList();
            }
        }
    }

    /// <summary>Adds a new key, publishes it and makes it the signing key. Older keys stay published so their tokens stay valid.</summary>
    public RsaSecurityKey Rotate()
    {
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)) };
        lock (_lock)
        {
            _keys.Add((rsa, key));
        }

        return key;
    }

    /// <summary>The public halves, as a JWKS document.</summary>
    public JsonWebKeySet Jwks() => new(
        Published.Select(key =>
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            return new PublishedKey("RSA", "sig", SecurityAlgorithms.RsaSha256, key.KeyId,
                Base64UrlEncoder.Encode(parameters.Modulus), Base64UrlEncoder.Encode(parameters.Exponent));
        }).ToList());

    public void Dispose()
    {
        foreach (var (rsa, _) in _keys)
        {
            rsa.Dispose();
        }
    }
}
