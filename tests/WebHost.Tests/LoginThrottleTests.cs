using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;

namespace WebHost.Tests;

/// <summary>The sample host with a low per-account login limit.</summary>
public sealed class ThrottledWebHostFactory : WebHostFactory
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DevIdentity:LoginAttemptsPerAccount", "3");
        builder.UseSetting("DevIdentity:LoginAttemptsPerAddress", "8");
    }
}

public sealed class LoginThrottleTests(ThrottledWebHostFactory factory) : IClassFixture<ThrottledWebHostFactory>
{
    [Fact]
    public async Task Login_attempts_are_throttled_per_account_and_per_client_address()
    {
        using var client = factory.CreateClient();
        var email = IdentityClient.UniqueEmail("target");
        await IdentityClient.SignUpAsync(client, email);

        var perAccount = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            perAccount.Add((await client.PostAsJsonAsync("/auth/login", new { email, password = "guess " + i })).StatusCode);
        }

        var perAddress = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            perAddress.Add(await client.PostAsJsonAsync("/auth/login", new { email = IdentityClient.UniqueEmail("spray"), password = "guess" }));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429], perAccount);
        Assert.Equal((HttpStatusCode)429, perAddress[^1].StatusCode);
        Assert.NotNull(perAddress[^1].Headers.RetryAfter);
    }
}
