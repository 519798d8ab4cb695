using Kernel.LoadHarness.Reporting;
using Kernel.Testing;

namespace Kernel.LoadHarness.Http;

/// <summary>
/// The HTTP comparisons: each pair (or trio) of hosts under the same wrk load, measured in alternating rounds, with
/// the ratio of each variant's median requests/s to the baseline's.
/// </summary>
internal static class HttpSuite
{
    private const string Database = "bench_http";
    private const string CreateJson = """{"title":"Load test","body":"Created by the load harness.","priority":"normal"}""";

    public static async Task<IReadOnlyList<ResultTable>> RunAsync(LocalPostgresCluster cluster, HarnessSettings settings, CancellationToken cancellationToken)
    {
        await cluster.CreateDatabaseAsync(Database, cancellationToken: cancellationToken);
        await using var issuer = new TokenIssuer();
        await issuer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["BENCH_ISSUER"] = issuer.Url,
            ["BENCH_RUNTIME_CS"] = cluster.RuntimeConnectionStringFor(Database),
            ["BENCH_OWNER_CS"] = cluster.OwnerConnectionStringFor(Database),
        };
        await using var kernel = await ChildHost.StartAsync("kernel", environment, cancellationToken); // Migrates the database.
        var seed = await Seed.RunAsync(cluster, Database, settings, cancellationToken);
        await using var raw = await ChildHost.StartAsync("raw", environment, cancellationToken);
        await using var fastEndpoints = await ChildHost.StartAsync("fastendpoints", environment, cancellationToken);

        var folder = Directory.CreateTempSubdirectory("kernel-harness-").FullName;
        try
        {
            var scripts = new LuaScripts(folder);
            var tokens = seed.Tenants.Select(t => issuer.Mint(t, $"actor-{t:N}", "member")).ToList();
            var index = seed.Tenants.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
            var one = tokens[0];
            var first = seed.Sample[0];
            var firstToken = tokens[index[first.Tenant]];
            var tables = new List<ResultTable>
            {
                await CompareAsync(
                    "Trivial JSON endpoint (JWT bearer on every side)",
                    settings,
                    [
                        new Variant("raw Minimal API", raw.Url, scripts.Get("/raw/hello", one), Probe.Get("/raw/hello", one)),
                        new Variant("kernel route", kernel.Url, scripts.Get("/api/bench/hello", one), Probe.Get("/api/bench/hello", one)),
                        new Variant("FastEndpoints", fastEndpoints.Url, scripts.Get("/fe/hello", one), Probe.Get("/fe/hello", one)),
                    ],
                    cancellationToken),
                await CompareAsync(
                    $"Tenant-scoped read by id ({settings.Rows:N0} rows in {settings.Tenants} tenants, random tenant and row per request)",
                    settings,
                    [
                        new Variant("raw Npgsql, JWT", raw.Url, scripts.RandomGets(tokens, seed.Sample.Select(s => (index[s.Tenant], $"/raw/requests/{s.Id}")).ToList()), Probe.Get($"/raw/requests/{first.Id}", firstToken)),
                        new Variant("kernel route (RLS), JWT", kernel.Url, scripts.RandomGets(tokens, seed.Sample.Select(s => (index[s.Tenant], $"/api/requests/{s.Id}")).ToList()), Probe.Get($"/api/requests/{first.Id}", firstToken)),
                        new Variant("raw Npgsql, no auth", raw.Url, scripts.RandomGets(tokens, seed.Sample.Select(s => (-1, $"/raw-open/requests/{s.Tenant}/{s.Id}")).ToList()), Probe.Get($"/raw-open/requests/{first.Tenant}/{first.Id}", null)),
                    ],
                    cancellationToken),
                await CompareAsync(
                    "Create: insert + audit entry in one transaction (JWT, random tenant per request)",
                    settings,
                    [
                        new Variant("raw Npgsql, two inserts", raw.Url, scripts.RandomPosts(tokens, "/raw/requests", CreateJson), Probe.Post("/raw/requests", one, CreateJson)),
                        new Variant("kernel route (RLS + audit)", kernel.Url, scripts.RandomPosts(tokens, "/api/requests", CreateJson), Probe.Post("/api/requests", one, CreateJson)),
                    ],
                    cancellationToken),
            };
            return tables;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("BENCH_KEEP_SCRIPTS") is null) { Directory.Delete(folder, recursive: true); }
        }
    }

    /// <summary>Warms every variant up, then measures each once per round in rotated order; the first variant is the baseline.</summary>
    private static async Task<ResultTable> CompareAsync(string title, HarnessSettings settings, IReadOnlyList<Variant> variants, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"[http] {title}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        foreach (var variant in variants)
        {
            // One real request first: it must succeed with a body (and it takes the cold start out of the warm-up).
            using var response = await http.SendAsync(variant.Probe(variant.Url), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode || body.Length == 0)
            {
                throw new InvalidOperationException($"{variant.Name}: the probe got {(int)response.StatusCode}: {body}");
            }

            await Wrk.RunAsync(variant.Url, variant.Script, settings.Connections, settings.Warmup, cancellationToken);
        }

        var results = variants.ToDictionary(v => v, _ => new List<WrkResult>());
        for (var round = 0; round < settings.Rounds; round++)
        {
            foreach (var variant in variants.Skip(round % variants.Count).Concat(variants.Take(round % variants.Count)))
            {
                var result = await Wrk.RunAsync(variant.Url, variant.Script, settings.Connections, settings.Duration, cancellationToken);
                Console.Error.WriteLine($"[http]   round {round + 1} {variant.Name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50:0.00} ms, p99 {result.P99:0.00} ms");
                results[variant].Add(result);
            }
        }

        var table = new ResultTable(title, "variant", "req/s (median)", "per round", "p50", "p99", $"vs {variants[0].Name}");
        var baseline = Median(results[variants[0]].Select(r => r.RequestsPerSecond));
        foreach (var variant in variants)
        {
            var rounds = results[variant];
            var rps = Median(rounds.Select(r => r.RequestsPerSecond));
            table.Row(
                variant.Name,
                ResultTable.Number(rps),
                ResultTable.PerRound(rounds.Select(r => r.RequestsPerSecond)),
                ResultTable.Millis(Median(rounds.Select(r => r.P50))),
                ResultTable.Millis(Median(rounds.Select(r => r.P99))),
                ResultTable.Ratio(rps / baseline));
        }

        return table.Note($"wrk -t1 -c{settings.Connections}, {settings.Rounds} round(s) of {settings.Duration.TotalSeconds:0} s per variant after a {settings.Warmup.TotalSeconds:0} s warm-up; medians over rounds.");
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Variant(string Name, string Url, string Script, Func<string, HttpRequestMessage> Probe);

    private static class Probe
    {
        public static Func<string, HttpRequestMessage> Get(string path, string? token) => url => With(new HttpRequestMessage(HttpMethod.Get, url + path), token);

        public static Func<string, HttpRequestMessage> Post(string path, string token, string json) => url =>
            With(new HttpRequestMessage(HttpMethod.Post, url + path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") }, token);

        private static HttpRequestMessage With(HttpRequestMessage request, string? token)
        {
            if (token is not null)
            {
                request.Headers.Authorization = new("Bearer", token);
            }

            return request;
        }
    }
}
