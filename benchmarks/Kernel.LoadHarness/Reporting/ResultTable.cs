using System.Globalization;
using System.Text;

namespace Kernel.LoadHarness.Reporting;

/// <summary>One printed table: a title, column headers, rows of cells, and notes under it (settings, caveats).</summary>
internal sealed class ResultTable(string title, params string[] columns)
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];

    public string Title { get; } = title;

    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<string[]> Rows => _rows;

    public ResultTable Row(params string[] cells)
    {
        if (cells.Length != Columns.Count)
        {
            throw new ArgumentException($"Table '{Title}' has {Columns.Count} columns, not {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public ResultTable Note(string note)
    {
        _notes.Add(note);
        return this;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder().Append("### ").AppendLine(Title).AppendLine();
        text.Append("| ").AppendJoin(" | ", Columns).AppendLine(" |");
        text.Append('|').AppendJoin('|', Columns.Select(_ => "---")).AppendLine("|");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        foreach (var note in _notes)
        {
            text.AppendLine().Append("- ").Append(note);
        }

        return text.AppendLine().ToString();
    }

    public static string Number(double value, int decimals = 0) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Each round's figure, in order: <c>1,234 / 1,301 / 1,198</c>.</summary>
    public static string PerRound(IEnumerable<double> values, int decimals = 0) => string.Join(" / ", values.Select(v => Number(v, decimals)));

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Millis(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";
}
