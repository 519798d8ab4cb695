using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WebHost.Identity;

namespace WebHost.Tests;

/// <summary>Sign up, invite, log in, call the API with bearer tokens, refresh, log out — the whole dev identity flow.</summary>
public sealed class AuthFlowTests(WebHostFactory factory) : IClassFixture<WebHostFactory>
{
    [Fact]
    public async Task Signup_creates_a_tenant_whose_admin_can_call_the_api_as_themselves()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("alice");
        var (tenantId, userId) = await IdentityClient.SignUpAsync(anonymous, email);
        var login = await IdentityClient.LoginAsync(anonymous, email);
        using var alice = factory.CreateClient().WithBearer((string)login["accessToken"]!);

        var created = await alice.PostAsJsonAsync("/api/requests", new { title = "Projector" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Bearer", (string?)login["tokenType"]);
        Assert.Equal(900, (int?)login["expiresIn"]);
        Assert.Equal(userId.ToString(), (string?)(await created.Content.ReadFromJsonAsync<JsonObject>())!["requestedBy"]);
        Assert.NotEqual(Guid.Empty, tenantId);
    }

    [Fact]
    public async Task Signing_up_twice_with_one_email_is_409()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("twice");
        await IdentityClient.SignUpAsync(anonymous, email);

        var again = await anonymous.PostAsJsonAsync("/auth/signup", new { email, password = IdentityClient.Password, tenantName = "Other" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("known");
        await IdentityClient.SignUpAsync(anonymous, email);

        var wrong = await anonymous.PostAsJsonAsync("/auth/login", new { email, password = "wrong password" });
        var unknown = await anonymous.PostAsJsonAsync("/auth/login", new { email = IdentityClient.UniqueEmail("unknown"), password = IdentityClient.Password });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((string?)(await wrong.Content.ReadFromJsonAsync<JsonObject>())!["detail"], (string?)(await unknown.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    [Fact]
    public async Task Login_for_a_tenant_the_user_is_not_a_member_of_is_401()
    {
        using var anonymous = factory.CreateClient();
        var alice = IdentityClient.UniqueEmail("alice");
        await IdentityClient.SignUpAsync(anonymous, alice);
        var (otherTenant, _) = await IdentityClient.SignUpAsync(anonymous, IdentityClient.UniqueEmail("bob"));

        var response = await anonymous.PostAsJsonAsync("/auth/login", new { email = alice, password = IdentityClient.Password, tenantId = otherTenant });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_user_gets_404_on_a_request_with_bearer_tokens()
    {
        using var anonymous = factory.CreateClient();
        var aliceEmail = IdentityClient.UniqueEmail("alice");
        var bobEmail = IdentityClient.UniqueEmail("bob");
        await IdentityClient.SignUpAsync(anonymous, aliceEmail);
        await IdentityClient.SignUpAsync(anonymous, bobEmail);
        using var alice = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, aliceEmail));
        using var bob = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, bobEmail));
        var created = await (await alice.PostAsJsonAsync("/api/requests", new { title = "Secret" })).Content.ReadFromJsonAsync<JsonObject>();

        var response = await bob.GetAsync($"/api/requests/{created!["id"]}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_invited_member_gets_403_on_an_admin_route_and_the_denial_is_audited()
    {
        using var anonymous = factory.CreateClient();
        var adminEmail = IdentityClient.UniqueEmail("admin");
        var memberEmail = IdentityClient.UniqueEmail("member");
        var (tenantId, _) = await IdentityClient.SignUpAsync(anonymous, adminEmail);
        using var admin = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, adminEmail));
        var invite = await admin.PostAsJsonAsync("/auth/invite", new { email = memberEmail, password = IdentityClient.Password });
        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        var memberId = (string)(await invite.Content.ReadFromJsonAsync<JsonObject>())!["userId"]!;
        using var member = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, memberEmail, tenantId));

        var denied = await member.PutAsJsonAsync("/api/roles/member/permissions", new { permissions = new[] { "audit.read" } });
        var memberInvites = await member.PostAsJsonAsync("/auth/invite", new { email = IdentityClient.UniqueEmail("x"), password = IdentityClient.Password });

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("FORBIDDEN", (string?)(await denied.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, memberInvites.StatusCode);
        var audit = await admin.GetFromJsonAsync<JsonObject>($"/api/audit?actor={memberId}");
        var entry = Assert.Single(audit!["items"]!.AsArray());
        Assert.Equal("kernel.roles.update", (string?)entry!["action"]);
        Assert.Equal("denied", (string?)entry["outcome"]);
        Assert.Equal(403, (int?)entry["status"]);
    }

    [Fact]
    public async Task A_valid_token_without_a_tenant_is_403_TENANT_REQUIRED_on_a_tenant_route()
    {
        // A member of two tenants who logs in without naming one gets a token without a tenant.
        using var anonymous = factory.CreateClient();
        var aliceEmail = IdentityClient.UniqueEmail("alice");
        var bobEmail = IdentityClient.UniqueEmail("bob");
        await IdentityClient.SignUpAsync(anonymous, aliceEmail);
        await IdentityClient.SignUpAsync(anonymous, bobEmail);
        using var bob = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, bobEmail));
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsJsonAsync("/auth/invite", new { email = aliceEmail })).StatusCode);
        using var alice = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, aliceEmail));

        var response = await alice.GetAsync("/api/requests");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("TENANT_REQUIRED", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]);
    }

    [Fact]
    public async Task Refresh_rotates_and_reusing_a_used_refresh_token_revokes_the_whole_family()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("alice");
        await IdentityClient.SignUpAsync(anonymous, email);
        var first = (string)(await IdentityClient.LoginAsync(anonymous, email))["refreshToken"]!;

        var rotated = await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = first });
        var rotatedBody = await rotated.Content.ReadFromJsonAsync<JsonObject>();
        var second = (string)rotatedBody!["refreshToken"]!;
        var reuse = await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = first });
        var afterReuse = await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = second });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first, second);
        Assert.NotNull((string?)rotatedBody["accessToken"]);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReuse.StatusCode);
    }

    [Fact]
    public async Task Logout_then_refresh_is_401()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("alice");
        await IdentityClient.SignUpAsync(anonymous, email);
        var refresh = (string)(await IdentityClient.LoginAsync(anonymous, email))["refreshToken"]!;

        var logout = await anonymous.PostAsJsonAsync("/auth/logout", new { refreshToken = refresh });
        var response = await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = refresh });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_a_newly_published_key_is_accepted_without_a_restart()
    {
        using var anonymous = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("rotation");
        await IdentityClient.SignUpAsync(anonymous, email);
        using (var before = factory.CreateClient().WithBearer(await IdentityClient.AccessTokenAsync(anonymous, email)))
        {
            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/api/requests")).StatusCode); // The kernel has fetched the keys.
        }

        var newKey = factory.Services.GetRequiredService<DevSigningKeys>().Rotate();
        var token = await IdentityClient.AccessTokenAsync(anonymous, email);
        using var after = factory.CreateClient().WithBearer(token);

        var response = await after.GetAsync("/api/requests");

        Assert.Contains(newKey.KeyId, System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(token.Split('.')[0])), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Discovery_points_at_a_jwks_of_public_keys_only()
    {
        using var anonymous = factory.CreateClient();

        var discovery = await anonymous.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");
        var jwks = await anonymous.GetFromJsonAsync<JsonObject>(new Uri((string)discovery!["jwks_uri"]!).PathAndQuery);

        Assert.Equal(WebHostFactory.Issuer, (string?)discovery["issuer"]);
        var key = jwks!["keys"]!.AsArray()[0]!.AsObject();
        Assert.Equal("RSA", (string?)key["kty"]);
        Assert.NotNull(key["kid"]);
        Assert.False(key.ContainsKey("d"));
        Assert.False(key.ContainsKey("p"));
    }
}
