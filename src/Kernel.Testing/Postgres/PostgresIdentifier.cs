using System.Text.RegularExpressions;

namespace Kernel.Testing;

/// <summary>Validates and quotes PostgreSQL identifiers and literals for DDL that cannot take parameters.</summary>
internal static partial class PostgresIdentifier
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a plain lower-case identifier.</summary>
    public static void Validate(string? name, string parameterName)
    {
        if (name is null || !SimpleName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid name: use 1 to 63 characters from a-z, 0-9 and '_', not starting with a digit.",
                parameterName);
        }
    }

    /// <summary>Quotes an identifier: <c>my_db</c> becomes <c>"my_db"</c>.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes a string literal: <c>it's</c> becomes <c>'it''s'</c>.</summary>
    public static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleName();
}
