using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WebHost.Identity;

/// <summary>Login attempts per account and per client address, each in a fixed one-minute window. Every attempt counts, right or wrong.</summary>
internal sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAccount;
    private readonly PartitionedRateLimiter<string> _perAddress;

    public LoginThrottle(IOptions<DevIdentityOptions> options)
    {
        _perAccount = Create(options.Value.LoginAttemptsPerAccount);
        _perAddress = Create(options.Value.LoginAttemptsPerAddress);
    }

    /// <summary>Whether the attempt may go ahead; otherwise how long to wait.</summary>
    public bool TryAcquire(string account, string address, out TimeSpan retryAfter)
    {
        foreach (var (limiter, key) in new[] { (_perAddress, address), (_perAccount, account) })
        {
            using var lease = limiter.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                return false;
            }
        }

        retryAfter = TimeSpan.Zero;
        return true;
    }

    public void Dispose()
    {
        _perAccount.Dispose();
        _perAddress.Dispose();
    }

    private static PartitionedRateLimiter<string> Create(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
