namespace WebHost.Identity;

/// <summary>The body of <c>POST /auth/signup</c>.</summary>
internal sealed record SignupBody(string? Email, string? Password, string? TenantName);

/// <summary>The answer to a signup or an invite.</summary>
internal sealed record MemberResponse(Guid TenantId, Guid UserId, string Role);

/// <summary>The body of <c>POST /auth/invite</c>: an existing user, or a new one with <c>Password</c>.</summary>
internal sealed record InviteBody(string? Email, string? Password, string? Role);

/// <summary>The body of <c>POST /auth/login</c>.</summary>
internal sealed record LoginBody(string? Email, string? Password, Guid? TenantId);

/// <summary>The body of <c>POST /auth/refresh</c> and <c>POST /auth/logout</c>.</summary>
internal sealed record RefreshBody(string? RefreshToken);

/// <summary>Issued tokens, OAuth 2.0 style.</summary>
internal sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);
