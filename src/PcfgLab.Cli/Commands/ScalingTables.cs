using System.Globalization;

namespace PcfgLab.Cli.Commands;

/// <summary>The tables (through <see cref="CliTable"/>) and number formats shared by fit, regress and predict.</summary>
internal static class ScalingTables
{
    /// <summary>Indented JSON for stdout, without escaping apostrophes and quotes in dataset names.</summary>
    public static System.Text.Json.JsonSerializerOptions Json { get; } = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string G(double value, int digits = 4) =>
        double.IsNaN(value) ? "n/a" : value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string G(double? value, int digits = 4) => value is { } v ? G(v, digits) : "-";

    /// <summary>Writes a table whose first column is text and the others numbers (<see cref="CliTable"/>).</summary>
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) =>
        new CliTable(header).AddRange(rows).Write(output);

    public static double ParseNumber(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UserInputException($"{option} '{text}' is not a number");
}
