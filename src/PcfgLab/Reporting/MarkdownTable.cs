using System.Text;

namespace PcfgLab.Reporting;

/// <summary>A GitHub-flavoured Markdown table; cells are escaped (pipes, line breaks).</summary>
internal sealed class MarkdownTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    /// <summary>Creates a table with the given column headers.</summary>
    public MarkdownTable(params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = headers;
    }

    /// <summary>Rows added so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Adds a row; it must have one cell per header.</summary>
    public MarkdownTable Add(params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"row has {cells.Length} cells, the table {_headers.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>The table as Markdown, ending with a newline.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", _headers.Select(Escape)).Append(" |\n");
        text.Append('|').AppendJoin('|', _headers.Select(_ => "---")).Append("|\n");
        foreach (var row in _rows)
        {
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).Append(" |\n");
        }

        return text.ToString();
    }

    private static string Escape(string cell) =>
        cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
