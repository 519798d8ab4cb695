using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Tenancy.Lifecycle.Tests;

/// <summary>An export archive as the tests take it apart and put it back together (tampered, for the refusal tests).</summary>
public sealed class Archive
{
    private Archive(List<(string Name, byte[] Bytes)> entries) => Entries = entries;

    public List<(string Name, byte[] Bytes)> Entries { get; }

    public JsonObject Manifest => JsonNode.Parse(Entry("manifest.json"))!.AsObject();

    public static Archive Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entries = new List<(string, byte[])>();
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            entries.Add((entry.FullName, copy.ToArray()));
        }

        return new Archive(entries);
    }

    public byte[] Entry(string name) => Entries.Single(e => e.Name == name).Bytes;

    public string Text(string name) => Encoding.UTF8.GetString(Entry(name));

    public Archive With(string name, byte[] bytes)
    {
        var entries = Entries.Select(e => e.Name == name ? (e.Name, bytes) : e).ToList();
        if (entries.All(e => e.Name != name))
        {
            entries.Add((name, bytes));
        }

        return new Archive(entries);
    }

    public Archive With(string name, string text) => With(name, Encoding.UTF8.GetBytes(text));

    public Archive WithManifest(Action<JsonObject> change)
    {
        var manifest = Manifest;
        change(manifest);
        return With("manifest.json", manifest.ToJsonString());
    }

    /// <summary>The manifest's entry of a table, by its <c>schema.table</c> name.</summary>
    public static JsonObject Table(JsonObject manifest, string name) =>
        manifest["tables"]!.AsArray().Select(t => t!.AsObject()).Single(t => (string?)t["name"] == name);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public byte[] ToZip()
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in Entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public static ByteArrayContent Content(byte[] zip)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }
}
