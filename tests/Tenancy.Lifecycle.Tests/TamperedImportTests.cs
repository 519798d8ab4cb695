using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kernel.Testing;

namespace Tenancy.Lifecycle.Tests;

/// <summary>One tenant exported, then erased: each test offers it a damaged or doctored copy of its own archive.</summary>
public sealed class TamperedImportFixture : IAsyncLifetime
{
    public KernelTestDatabase Database { get; private set; } = null!;

    public LifecycleHost Host { get; private set; } = null!;

    public Guid Tenant { get; } = Guid.NewGuid();

    public Archive Original { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await Db.CreateAsync();
        Host = new LifecycleHost(Database);
        await Db.SeedAsync(Database, Tenant, "tampered", 100, "mine");
        await Db.SuspendAsync(Database, Tenant);
        var client = Host.Operator();
        Original = Archive.Read(await client.GetByteArrayAsync($"/api/platform/tenants/{Tenant}/export"));
        using var erase = await client.DeleteAsync($"/api/platform/tenants/{Tenant}");
        erase.EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class TamperedImportTests(TamperedImportFixture fixture) : IClassFixture<TamperedImportFixture>
{
    public static TheoryData<string> Tamperings =>
    [
        "a changed byte in an NDJSON file",
        "a row removed, the manifest unchanged",
        "a manifest row count changed",
        "a journal entry this database lacks",
        "a journal entry with another checksum",
        "another tenant's id in the manifest",
        "another tenant's row, with a matching manifest",
        "a row that is not a JSON object, with a matching manifest",
        "a file the manifest does not list",
        "a listed file missing",
        "a column this database lacks",
        "a table this database lacks",
        "a malformed manifest",
        "no manifest",
        "a truncated archive",
        "not a zip at all",
    ];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_tampered_archive_is_400_and_writes_nothing(string tampering)
    {
        var (zip, field) = Tamper(tampering);

        using var response = await fixture.Host.Operator().PostAsync($"/api/platform/tenants/{fixture.Tenant}/import", Archive.Content(zip));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.True(
            problem.GetProperty("errors").EnumerateObject().Any(e => e.Name == field),
            $"Expected an error on '{field}', got {problem.GetProperty("errors")}.");
        Assert.All(await Db.FingerprintAsync(fixture.Database, fixture.Tenant), t => Assert.Equal(0, t.Value.Rows));
        Assert.Equal("erased", await Db.StatusAsync(fixture.Database, fixture.Tenant));
    }

    private (byte[] Zip, string Field) Tamper(string tampering)
    {
        var original = fixture.Original;
        switch (tampering)
        {
            case "a changed byte in an NDJSON file":
            {
                var bytes = original.Entry("lt.b.ndjson").ToArray();
                var at = Encoding.UTF8.GetString(bytes).IndexOf("note", StringComparison.Ordinal);
                bytes[at + 3] = (byte)'a'; // "note" becomes "nota": still valid JSON, same number of lines.
                return (original.With("lt.b.ndjson", bytes).ToZip(), "lt.b.ndjson");
            }

            case "a row removed, the manifest unchanged":
            {
                var lines = original.Text("lt.c.ndjson").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return (original.With("lt.c.ndjson", string.Concat(lines.Skip(1).Select(l => l + "\n"))).ToZip(), "lt.c.ndjson");
            }

            case "a manifest row count changed":
                return (original.WithManifest(m => Archive.Table(m, "lt.a")["rows"] = (long)Archive.Table(m, "lt.a")["rows"]! + 1).ToZip(), "lt.a.ndjson");

            case "a journal entry this database lacks":
                return (original.WithManifest(m => m["migrations"]!.AsArray().Add(new JsonObject
                {
                    ["addon"] = "lifecycletest",
                    ["name"] = "0002_from_the_future.sql",
                    ["checksum"] = new string('a', 64),
                })).ToZip(), "manifest.migrations");

            case "a journal entry with another checksum":
                return (original.WithManifest(m => m["migrations"]![0]!["checksum"] = new string('b', 64)).ToZip(), "manifest.migrations");

            case "another tenant's id in the manifest":
                return (original.WithManifest(m => m["tenant"]!["id"] = Guid.NewGuid().ToString()).ToZip(), "manifest.tenant.id");

            case "another tenant's row, with a matching manifest":
            {
                var text = original.Text("lt.loose.ndjson");
                var doctored = Encoding.UTF8.GetBytes(text.Replace(fixture.Tenant.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal));
                return (Consistent(original, "lt.loose", doctored).ToZip(), "lt.loose.ndjson");
            }

            case "a row that is not a JSON object, with a matching manifest":
            {
                var doctored = Encoding.UTF8.GetBytes("[1, 2, 3]\n" + original.Text("lt.loose.ndjson"));
                return (Consistent(original, "lt.loose", doctored, extraRows: 1).ToZip(), "lt.loose.ndjson");
            }

            case "a file the manifest does not list":
                return (original.With("extra.ndjson", "{}\n").ToZip(), "archive");

            case "a listed file missing":
            {
                var without = original.With("x", []);
                without.Entries.RemoveAll(e => e.Name is "lt.c.ndjson" or "x");
                return (without.ToZip(), "manifest.tables[lt.c]");
            }

            case "a column this database lacks":
                return (original.WithManifest(m => Archive.Table(m, "lt.b")["columns"]!.AsArray().Add("dropped_later")).ToZip(), "manifest.tables[lt.b]");

            case "a table this database lacks":
                return (original.WithManifest(m =>
                {
                    Archive.Table(m, "lt.loose")["table"] = "gone";
                    Archive.Table(m, "lt.loose")["name"] = "lt.gone";
                }).ToZip(), "manifest.tables[lt.gone]");

            case "a malformed manifest":
                return (original.WithManifest(m => m.Remove("tenant")).ToZip(), "manifest.json");

            case "no manifest":
            {
                var without = original.With("x", []);
                without.Entries.RemoveAll(e => e.Name is "manifest.json" or "x");
                return (without.ToZip(), "archive");
            }

            case "a truncated archive":
            {
                var zip = original.ToZip();
                return (zip[..(zip.Length / 2)], "archive");
            }

            case "not a zip at all":
                return ("PK? no, just text"u8.ToArray(), "archive");

            default:
                throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null);
        }
    }

    /// <summary>The file replaced, and the manifest's count and checksum of it made to match: only the rows themselves can give it away.</summary>
    private static Archive Consistent(Archive original, string table, byte[] bytes, int extraRows = 0) =>
        original.With(table + ".ndjson", bytes).WithManifest(m =>
        {
            Archive.Table(m, table)["sha256"] = Archive.Sha256(bytes);
            Archive.Table(m, table)["rows"] = (long)Archive.Table(m, table)["rows"]! + extraRows;
        });
}
