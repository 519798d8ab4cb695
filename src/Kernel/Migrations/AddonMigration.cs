using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Kernel.Migrations;

/// <summary>One embedded SQL migration of an addon.</summary>
internal sealed record AddonMigration(string Addon, string Name, string Sql)
{
    internal const string Prefix = "Migrations/";

    /// <summary>SHA-256 of the text with line endings normalised, so a checkout's CRLF does not count as drift.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>
    /// <paramref name="addon"/>'s migrations in <paramref name="assembly"/>: the resources named
    /// <c>Migrations/&lt;addon&gt;/&lt;file&gt;.sql</c> and, when <paramref name="includeTopLevel"/> (the addon is the only one of
    /// its assembly), <c>Migrations/&lt;file&gt;.sql</c>. Either way a migration's journal name is the file name alone, so
    /// moving an applied file between the two layouts is not drift.
    /// </summary>
    public static IReadOnlyList<AddonMigration> FromAssembly(string addon, Assembly assembly, bool includeTopLevel = true)
    {
        var folder = Prefix + addon + "/";
        var migrations = new List<AddonMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            string name;
            if (resource.StartsWith(folder, StringComparison.Ordinal))
            {
                name = resource[folder.Length..];
            }
            else if (includeTopLevel && IsTopLevel(resource))
            {
                name = resource[Prefix.Length..];
            }
            else
            {
                continue;
            }

            if (name.Contains('/', StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            if (migrations.Any(m => m.Name == name))
            {
                throw new InvalidOperationException(
                    $"Addon '{addon}' has two migrations named {name} ({Prefix}{name} and {folder}{name}): keep one layout.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new AddonMigration(addon, name, reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return migrations;
    }

    /// <summary>Whether <paramref name="resource"/> is a migration outside every addon's folder (<c>Migrations/&lt;file&gt;.sql</c>).</summary>
    public static bool IsTopLevel(string resource) =>
        resource.StartsWith(Prefix, StringComparison.Ordinal)
        && resource.EndsWith(".sql", StringComparison.Ordinal)
        && !resource.AsSpan(Prefix.Length).Contains('/');
}
