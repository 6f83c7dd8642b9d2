using Spectre.Console;
using Spectre.Console.Rendering;

namespace PcfgLab.Cli;

/// <summary>
/// The one text-table renderer of the commands: Spectre.Console's <see cref="Table"/> without borders, columns two
/// spaces apart, text columns left-aligned and numbers right-aligned, no colour or escape codes, and no trailing
/// blanks, so that a table piped to a file or a test reads as plain aligned text. Cells are literal text (never
/// Spectre markup: a dataset named "[red]" prints as such). The width is not the terminal's: a wide table is never
/// wrapped, so the output is the same on every terminal and in a pipe.
/// </summary>
internal sealed class CliTable
{
    // Wide enough that no table of the commands wraps; Spectre only uses what the columns need.
    private const int RenderWidth = 100_000;

    private readonly Table _table = new() { Border = TableBorder.None };
    private readonly int _columns;

    /// <summary>A table with a header row; the columns in <paramref name="leftAligned"/> (default: the first) are text.</summary>
    public CliTable(IReadOnlyList<string> header, IReadOnlyCollection<int>? leftAligned = null)
        : this(header, leftAligned ?? [0], showHeader: true)
    {
    }

    private CliTable(IReadOnlyList<string> header, IReadOnlyCollection<int> leftAligned, bool showHeader)
    {
        ArgumentNullException.ThrowIfNull(header);
        _columns = header.Count;
        _table.ShowHeaders = showHeader;
        for (var i = 0; i < header.Count; i++)
        {
            var column = new TableColumn(new Text(header[i] ?? string.Empty))
            {
                // No left padding and two blanks after every column but the last: the layout of the tables before.
                Padding = new Padding(0, 0, i == header.Count - 1 ? 0 : 2, 0),
                NoWrap = true,
            };
            _table.AddColumn(leftAligned.Contains(i) ? column.LeftAligned() : column.RightAligned());
        }
    }

    /// <summary>Rows added so far.</summary>
    public int RowCount => _table.Rows.Count;

    /// <summary>A table of <paramref name="columns"/> text columns without a header row.</summary>
    public static CliTable WithoutHeader(int columns) =>
        new(new string[columns], Enumerable.Range(0, columns).ToArray(), showHeader: false);

    /// <summary>A two-column table without a header: a block of "name  value" lines.</summary>
    public static CliTable KeyValue() => WithoutHeader(2);

    /// <summary>Adds a row; it must have one cell per column.</summary>
    public CliTable Add(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count != _columns)
        {
            throw new ArgumentException($"row has {cells.Count} cells, the table {_columns} columns", nameof(cells));
        }

        var row = new IRenderable[cells.Count];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = new Text(cells[i]);
        }

        _table.AddRow(row);
        return this;
    }

    /// <summary>Adds each of <paramref name="rows"/>.</summary>
    public CliTable AddRange(IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            Add(row);
        }

        return this;
    }

    /// <summary>The table's lines, without trailing blanks.</summary>
    public IReadOnlyList<string> Lines()
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = RenderWidth;
        console.Write(_table);
        var lines = text.ToString().ReplaceLineEndings("\n").Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = lines[i].TrimEnd();
        }

        return result;
    }

    /// <summary>Writes the table's lines to <paramref name="output"/>.</summary>
    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in Lines())
        {
            output.WriteLine(line);
        }
    }

    /// <summary>The table's lines joined by "\n", with a final "\n".</summary>
    public override string ToString()
    {
        var lines = Lines();
        return lines.Count == 0 ? string.Empty : string.Join('\n', lines) + "\n";
    }
}
