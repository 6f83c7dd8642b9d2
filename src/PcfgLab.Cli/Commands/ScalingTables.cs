using System.Globalization;

namespace PcfgLab.Cli.Commands;

/// <summary>The tables (through <see cref="CliTable"/>) and number formats shared by fit, regress and predict.</summary>
internal static class ScalingTables
{
    /// <summary>
    /// Every option of the command with its effective value, in the command's order, for a saved document's provenance:
    /// as typed when given, otherwise its default ("false" for a flag not given); options with no value (not given,
    /// no default) are left out. Never "true" for an option that was not given.
    /// </summary>
    public static IReadOnlyDictionary<string, string> EffectiveOptions(System.CommandLine.ParseResult parse)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in parse.CommandResult.Command.Options)
        {
            if (parse.GetResult(option) is { Implicit: false, Tokens.Count: > 0 } given)
            {
                options[option.Name] = string.Join(" ", given.Tokens.Select(t => t.Value));
                continue;
            }

            object? value = option switch
            {
                System.CommandLine.Option<bool> b => parse.GetValue(b) ? "true" : "false",
                System.CommandLine.Option<int> i => parse.GetValue(i),
                System.CommandLine.Option<int?> i => parse.GetValue(i),
                System.CommandLine.Option<ulong> u => parse.GetValue(u),
                System.CommandLine.Option<long> l => parse.GetValue(l),
                System.CommandLine.Option<double> d => parse.GetValue(d),
                System.CommandLine.Option<double?> d => parse.GetValue(d),
                System.CommandLine.Option<string> s => parse.GetValue(s),
                _ => null,
            };
            if (value is not null)
            {
                options[option.Name] = value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString()!;
            }
        }

        return options;
    }

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
