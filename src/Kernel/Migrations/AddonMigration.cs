using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Kernel.Migrations;

/// <summary>One embedded SQL migration of an addon.</summary>
internal sealed record AddonMigration(string Addon, string Name, string Sql)
{
    private const string Prefix = "Migrations/";

    /// <summary>SHA-256 of the text with line endings normalised, so a checkout's CRLF does not count as drift.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    public static IReadOnlyList<AddonMigration> FromAssembly(string addon, Assembly assembly)
    {
        var migrations = new List<AddonMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new AddonMigration(addon, resource[Prefix.Length..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return migrations;
    }
}
