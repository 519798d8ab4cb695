namespace Tenancy.Tests.ThirdPartyIdentity;

/// <summary>
/// A machine client of the <see cref="OidcProvider"/> and what its access tokens say about it: the organization as a
/// string <c>org_id</c> claim (Auth0, WorkOS) or nested as <c>o.id</c> (Clerk), and its roles under
/// <see cref="OidcProvider.RolesClaim"/>.
/// </summary>
/// <param name="ClientId">The client id, also the tokens' <c>sub</c>.</param>
/// <param name="Roles">The roles, an array of strings in the token.</param>
/// <param name="OrgId">The <c>org_id</c> claim, or null for none.</param>
/// <param name="NestedOrgId">The <c>o.id</c> claim, or null for no <c>o</c> claim.</param>
public sealed record OidcProviderClient(string ClientId, IReadOnlyList<string> Roles, string? OrgId = null, string? NestedOrgId = null);
