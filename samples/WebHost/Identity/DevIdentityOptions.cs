namespace WebHost.Identity;

/// <summary>Settings of the sample's dev identity provider (section <c>DevIdentity</c>).</summary>
internal sealed class DevIdentityOptions
{
    public const string SectionName = "DevIdentity";

    /// <summary>The <c>iss</c> of issued tokens and the base of the discovery document. Defaults to <c>Kernel:Auth:Issuer</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> of issued tokens. Defaults to <c>Kernel:Auth:Audience</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>The identity provider's database connection. Defaults to <c>ConnectionStrings:Identity</c>, then the kernel's owner connection.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Access-token lifetime. The default value is 15 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Refresh-token lifetime. The default value is 14 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Login attempts per account per minute. The default value is 10.</summary>
    public int LoginAttemptsPerAccount { get; set; } = 10;

    /// <summary>Login attempts per client address per minute. The default value is 60.</summary>
    public int LoginAttemptsPerAddress { get; set; } = 60;
}
