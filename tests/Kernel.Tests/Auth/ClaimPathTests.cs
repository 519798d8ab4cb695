using System.Security.Claims;
using Kernel.Auth;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Kernel.Tests.Auth;

/// <summary>
/// How a configured claim name finds values in a validated token's claims: JwtBearer (with <c>MapInboundClaims</c>
/// off) hands a JSON object claim over as one claim whose value is the object's JSON text, and an array as one claim
/// per element.
/// </summary>
public sealed class ClaimPathTests
{
    [Fact]
    public void A_plain_name_reads_the_claim_of_that_name()
    {
        var principal = Principal(("org_id", "org_acme", ClaimValueTypes.String));

        Assert.Equal(["org_acme"], new ClaimPath("org_id").Values(principal));
    }

    [Fact]
    public void A_uri_name_is_one_claim_name_not_a_path_although_it_has_dots()
    {
        // Auth0-style namespaced claim: the dots of the host name must not split it.
        var principal = Principal(
            ("https://kernel.example/roles", "admin", ClaimValueTypes.String),
            ("https://kernel.example/roles", "auditor", ClaimValueTypes.String),
            ("https://kernel", """{"example/roles":["wrong"]}""", JsonClaimValueTypes.Json));

        Assert.Equal(["admin", "auditor"], new ClaimPath("https://kernel.example/roles").Values(principal));
    }

    [Fact]
    public void A_dotted_path_reads_a_string_inside_a_json_object_claim()
    {
        var principal = Principal(("o", """{"id":"org_acme","rol":"admin"}""", JsonClaimValueTypes.Json));

        Assert.Equal(["org_acme"], new ClaimPath("o.id").Values(principal));
    }

    [Fact]
    public void A_dotted_path_to_an_array_reads_each_string_element()
    {
        var principal = Principal(("realm_access", """{"roles":["admin","member",7,{"x":"y"}]}""", JsonClaimValueTypes.Json));

        Assert.Equal(["admin", "member"], new ClaimPath("realm_access.roles").Values(principal));
    }

    [Fact]
    public void A_deeper_path_follows_nested_objects()
    {
        var principal = Principal(("resource_access", """{"api":{"roles":["editor"]}}""", JsonClaimValueTypes.Json));

        Assert.Equal(["editor"], new ClaimPath("resource_access.api.roles").Values(principal));
    }

    [Fact]
    public void A_claim_literally_named_like_the_path_wins_over_the_path()
    {
        var principal = Principal(
            ("o.id", "org_literal", ClaimValueTypes.String),
            ("o", """{"id":"org_nested"}""", JsonClaimValueTypes.Json));

        Assert.Equal(["org_literal"], new ClaimPath("o.id").Values(principal));
    }

    [Theory]
    [InlineData("org_acme")]
    [InlineData("{not json")]
    [InlineData("[\"id\"]")]
    [InlineData("\"org_acme\"")]
    public void A_path_into_a_claim_that_is_no_json_object_finds_nothing(string value)
    {
        var principal = Principal(("o", value, ClaimValueTypes.String));

        Assert.Empty(new ClaimPath("o.id").Values(principal));
    }

    [Fact]
    public void A_path_to_a_missing_member_or_a_non_string_value_finds_nothing()
    {
        var principal = Principal(("o", """{"id":42,"name":{"first":"a"}}""", JsonClaimValueTypes.Json));

        Assert.Empty(new ClaimPath("o.id").Values(principal));
        Assert.Empty(new ClaimPath("o.name").Values(principal));
        Assert.Empty(new ClaimPath("o.missing").Values(principal));
        Assert.Empty(new ClaimPath("o.id.deeper").Values(principal));
    }

    [Fact]
    public void A_missing_claim_finds_nothing()
    {
        var principal = Principal(("sub", "user-1", ClaimValueTypes.String));

        Assert.Empty(new ClaimPath("org_id").Values(principal));
        Assert.Empty(new ClaimPath("o.id").Values(principal));
    }

    private static ClaimsPrincipal Principal(params (string Type, string Value, string ValueType)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value, c.ValueType)), "test"));
}
