using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace WebHost.Demo;

/// <summary>
/// The demo's lifecycle steps on tenant B: export, suspend, erase (every row of every <c>tenant_id</c> table), count
/// what is left from the catalog, import the archive, and B's requests are back. A route this build does not have
/// (404/405) fails its step with what it answered; nothing is simulated.
/// </summary>
internal static class LifecycleDemo
{
    public static async Task RunAsync(DemoReport report, IServiceProvider services, DemoClient ops, DemoClient bob)
    {
        report.Section($"Tenant lifecycle on B: export → suspend → erase → import ({bob.Tenant})");
        var path = $"/api/platform/tenants/{bob.Tenant}";
        var rows = TenantRows.For(services);
        var before = await rows.CountAsync(bob.Tenant);
        report.Check("B's data, counted from the catalog (every table with tenant_id)", before.Sum(c => c.Rows) > 0, TenantRows.Describe(before));

        var (exported, archive) = await ops.SendBytesAsync(HttpMethod.Get, $"{path}/export");
        var contents = exported.IsSuccessStatusCode ? Read(archive) : null;
        report.Check("the operator exports B: a zip of NDJSON per table and manifest.json",
            exported.IsSuccessStatusCode && exported.Content.Headers.ContentType?.MediaType == "application/zip" && contents is { HasManifest: true },
            exported.IsSuccessStatusCode
                ? $"{(int)exported.StatusCode} {exported.Content.Headers.ContentType}, {archive.Length} bytes: {contents?.Summary ?? "not a zip archive"}"
                : Missing(exported, archive));

        var (early, earlyBody) = await ops.SendAsync(HttpMethod.Delete, path);
        report.Check("erasing an active tenant is refused (409: suspend it first)", early.StatusCode == HttpStatusCode.Conflict,
            early.StatusCode == HttpStatusCode.Conflict ? $"{(int)early.StatusCode} {earlyBody?["code"]}: {earlyBody?["detail"]}" : Missing(early, earlyBody));

        var (_, etag) = await OperatorDemo.GetAsync(ops, bob.Tenant);
        var (suspended, suspendedBody) = await ops.SendAsync(HttpMethod.Post, $"{path}/suspend", new { reason = "Demo: erasure requested" }, ifMatch: etag);
        report.Check("the operator suspends B", suspended.IsSuccessStatusCode && (string?)suspendedBody?["status"] == "suspended",
            $"{(int)suspended.StatusCode}, status {suspendedBody?["status"]}");

        if (contents is not { HasManifest: true })
        {
            // Erasing without an archive to restore from would lose B for good; the remaining steps need the export.
            report.Check("erase and import", false, "not attempted: there is no archive of B to restore from (the export step failed)");
            var (resumed, _) = await ops.SendAsync(HttpMethod.Post, $"{path}/resume");
            Console.WriteLine($"      B resumed ({(int)resumed.StatusCode}) so the demo leaves it as it found it.");
            return;
        }

        var (erased, erasedBody) = await ops.SendAsync(HttpMethod.Delete, path);
        report.Check("the operator erases B", erased.IsSuccessStatusCode,
            erased.IsSuccessStatusCode ? $"{(int)erased.StatusCode}: {Compact(erasedBody)}" : Missing(erased, erasedBody));

        var after = await rows.CountAsync(bob.Tenant);
        var (view, _) = await OperatorDemo.GetAsync(ops, bob.Tenant);
        report.Check("zero rows of B remain in any tenant_id table; the registry says erased",
            after.All(c => c.Rows == 0) && (string?)view?["status"] == "erased",
            $"{TenantRows.Describe(after.Where(c => c.Rows > 0).ToList())}; status {view?["status"]}");

        var (gone, goneBody, _) = await bob.SendUntilAsync(HttpMethod.Get, "/api/requests", HttpStatusCode.Forbidden, OperatorDemo.Propagation, "TENANT_UNKNOWN");
        report.Check("bob's still-valid token now names an erased tenant: 403 TENANT_UNKNOWN",
            gone.StatusCode == HttpStatusCode.Forbidden && (string?)goneBody?["code"] == "TENANT_UNKNOWN",
            $"{(int)gone.StatusCode} {goneBody?["code"]}");

        var (imported, importedBody) = await ops.SendBytesAsync(HttpMethod.Post, $"{path}/import", archive, "application/zip");
        var restored = await rows.CountAsync(bob.Tenant);
        report.Check("the operator imports the archive: every exported row is back",
            // At least: the import and the resume are themselves recorded in B's audit log.
            imported.IsSuccessStatusCode && restored.Sum(c => c.Rows) >= contents.Rows,
            imported.IsSuccessStatusCode
                ? $"{(int)imported.StatusCode}, {TenantRows.Describe(restored.Where(c => c.Rows > 0).ToList())} (archive: {contents.Rows})"
                : Missing(imported, Encoding.UTF8.GetString(importedBody)));

        var (current, currentTag) = await OperatorDemo.GetAsync(ops, bob.Tenant);
        if ((string?)current?["status"] == "suspended")
        {
            await ops.SendAsync(HttpMethod.Post, $"{path}/resume", ifMatch: currentTag);
        }

        var (back, page, waited) = await bob.SendUntilAsync(HttpMethod.Get, "/api/requests", HttpStatusCode.OK, OperatorDemo.Propagation);
        var titles = page?["items"]?.AsArray().Select(i => (string?)i!["title"]).ToList() ?? [];
        report.Check("bob's requests are back", back.StatusCode == HttpStatusCode.OK && titles.Contains("New laptop for Sam"),
            $"{(int)back.StatusCode} after {waited.TotalMilliseconds:0} ms, status {current?["status"]} before resuming: {string.Join(", ", titles)}");
    }

    /// <summary>What a route that answered with an error said: for the routes this build may not have yet.</summary>
    private static string Missing(HttpResponseMessage response, object? body)
    {
        var text = body switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            JsonNode node => node.ToJsonString(),
            _ => body?.ToString() ?? "",
        };
        var code = text.Length > 0 && text[0] == '{' ? (string?)JsonNode.Parse(text)?["code"] : null;
        var absent = response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed
            ? " — this build has no such route (the tenant lifecycle routes are not merged into it)"
            : "";
        return $"{(int)response.StatusCode} {code}{absent}";
    }

    private static string Compact(JsonNode? body)
    {
        var text = body?.ToJsonString() ?? "";
        return text.Length <= 400 ? text : text[..400] + "…";
    }

    /// <summary>The archive's NDJSON files (one line a row) and whether it has a manifest.</summary>
    private static ArchiveContents? Read(byte[] archive)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
            var tables = new List<(string Name, long Rows)>();
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".ndjson", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open());
                long lines = 0;
                while (reader.ReadLine() is { } line)
                {
                    lines += line.Length > 0 ? 1 : 0;
                }

                tables.Add((entry.FullName, lines));
            }

            return new ArchiveContents(zip.GetEntry("manifest.json") is not null, tables.Sum(t => t.Rows),
                $"manifest.json and {tables.Count} table file(s), {tables.Sum(t => t.Rows)} row(s): " +
                string.Join(", ", tables.Where(t => t.Rows > 0).Select(t => $"{t.Name} {t.Rows}")));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private sealed record ArchiveContents(bool HasManifest, long Rows, string Summary);
}
