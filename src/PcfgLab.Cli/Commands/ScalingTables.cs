using System.Globalization;

namespace PcfgLab.Cli.Commands;

/// <summary>Plain aligned text tables and number formats shared by fit, regress and predict.</summary>
internal static class ScalingTables
{
    /// <summary>Indented JSON for stdout, without escaping apostrophes and quotes in dataset names.</summary>
    public static System.Text.Json.JsonSerializerOptions Json { get; } = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string G(double value, int digits = 4) =>
        double.IsNaN(value) ? "n/a" : value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string G(double? value, int digits = 4) => value is { } v ? G(v, digits) : "-";

    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = new int[header.Count];
        foreach (var row in all)
        {
            for (var c = 0; c < row.Count; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in all)
        {
            var cells = new string[row.Count];
            for (var c = 0; c < row.Count; c++)
            {
                cells[c] = c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]);
            }

            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }

    public static double ParseNumber(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UserInputException($"{option} '{text}' is not a number");
}
