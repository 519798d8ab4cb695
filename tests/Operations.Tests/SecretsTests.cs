using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operations.Tests;

/// <summary>Secrets (connection strings, passwords, signing keys, DSNs) come from configuration or the environment, never from the repository.</summary>
public sealed class SecretsTests
{
    private static readonly string[] SecretWords = ["password", "secret", "connectionstring", "dsn", "signingkey", "privatekey", "apikey", "token"];

    /// <summary>appsettings files are JSON with comments (the templates' carry some), as the configuration provider reads them.</summary>
    private static readonly JsonDocumentOptions JsonWithComments = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public void No_appsettings_file_in_the_repository_holds_a_connection_string_or_a_secret()
    {
        var files = Directory.EnumerateFiles(RepositoryRoot(), "appsettings*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(files);
        var found = files.SelectMany(file => Secrets(JsonNode.Parse(File.ReadAllText(file), documentOptions: JsonWithComments), "").Select(path => $"{file}: {path}")).ToList();
        Assert.True(found.Count == 0, "Secrets belong in the environment or a secret store:\n" + string.Join('\n', found));
    }

    private static IEnumerable<string> Secrets(JsonNode? node, string path)
    {
        if (node is not JsonObject obj)
        {
            yield break;
        }

        foreach (var (name, value) in obj)
        {
            var key = path + ":" + name;
            var normalized = key.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
            if (value is JsonValue && SecretWords.Any(w => normalized.Contains(w, StringComparison.Ordinal)) && value.ToString().Length > 0)
            {
                yield return key;
            }

            foreach (var nested in Secrets(value, key))
            {
                yield return nested;
            }
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Kernel.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Kernel.sln not found above the test's directory.");
    }
}
