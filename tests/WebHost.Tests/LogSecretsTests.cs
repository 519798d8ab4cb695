using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebHost.Tests;

/// <summary>
/// The whole auth flow (sign-up, failed and good logins, invite, bearer calls with good, tampered and expired-looking
/// tokens, refresh, reuse, logout) with every log line of every category captured at Trace: no password, access
/// token or refresh token may appear in any message, property, scope or exception.
/// </summary>
public sealed class LogSecretsTests(LogSecretsTests.CapturingFactory app) : IClassFixture<LogSecretsTests.CapturingFactory>
{
    [Fact]
    public async Task No_password_bearer_token_or_refresh_token_reaches_a_log_line()
    {
        var logs = app.Logs;
        using var http = app.CreateClient();
        var email = IdentityClient.UniqueEmail("secrets");
        const string WrongPassword = "wrong horse battery staple 7d1e";
        const string InvitePassword = "invited member password 4c2a";

        await IdentityClient.SignUpAsync(http, email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/auth/login", new { email, password = WrongPassword })).StatusCode);
        var login = await IdentityClient.LoginAsync(http, email);
        var (access, refresh) = ((string)login["accessToken"]!, (string)login["refreshToken"]!);
        using var admin = app.CreateClient().WithBearer(access);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/auth/invite", new { email = IdentityClient.UniqueEmail("member"), password = InvitePassword })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/requests", new { title = "Logged route" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/requests")).StatusCode);
        var tampered = access[..^4] + (access[^4] == 'A' ? "BBBB" : "AAAA");
        using var forged = app.CreateClient().WithBearer(tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/requests")).StatusCode);
        var rotated = await http.PostAsJsonAsync("/auth/refresh", new { refreshToken = refresh });
        var newRefresh = (string)(await rotated.Content.ReadFromJsonAsync<JsonObject>())!["refreshToken"]!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/auth/refresh", new { refreshToken = refresh })).StatusCode);
        await http.PostAsJsonAsync("/auth/logout", new { refreshToken = newRefresh });

        var text = logs.AllText();
        Assert.NotEmpty(logs.Entries);
        foreach (var secret in new[] { IdentityClient.Password, WrongPassword, InvitePassword, access, tampered, refresh, newRefresh })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        // A token's signature part alone would still be a leak.
        Assert.DoesNotContain(access.Split('.')[2], text, StringComparison.Ordinal);
    }

    /// <summary>The sample host with every log line of every category captured.</summary>
    public sealed class CapturingFactory : WebHostFactory
    {
        public CapturedLogs Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));
        }
    }
}
