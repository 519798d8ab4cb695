namespace Kernel.Auth;

/// <summary>What an identity source made of a request's credentials.</summary>
internal sealed record IdentityResult
{
    public static IdentityResult None { get; } = new();

    /// <summary>True when credentials were presented but rejected (bad token, malformed headers).</summary>
    public string? Failure { get; init; }

    public string? ActorId { get; init; }

    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string>();

    /// <summary>The raw tenant value the credentials carry; the kernel validates it.</summary>
    public string? Tenant { get; init; }

    /// <summary>The tenants the credentials say the actor belongs to (ids, external ids or slugs), for the host and header strategies.</summary>
    public IReadOnlyList<string> Memberships { get; init; } = [];

    public static IdentityResult Failed(string reason) => new() { Failure = reason };
}
