using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace PcfgLab.Reporting;

/// <summary>
/// Log-scaled axes for ScottPlot 5, which has no log axis of its own: data are plotted as log10(value), major ticks
/// sit on whole powers of ten labelled with the value itself, and a <see cref="LogMinorTickGenerator"/> puts minor
/// ticks at 2..9 times each power.
/// </summary>
internal static class LogAxis
{
    /// <summary>log10 of each value.</summary>
    public static double[] Log10(IEnumerable<double> values) => values.Select(Math.Log10).ToArray();

    /// <summary>Makes <paramref name="axis"/> a log10 axis whose labels are formatted by <paramref name="format"/> (given the value, not its log).</summary>
    public static void Apply(IAxis axis, Func<double, string> format)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => format(Math.Pow(10, exponent)),
        };
    }

    /// <summary>Counts such as 100k, 10M, 1B.</summary>
    public static string Count(double value) => CountFormat.Format(value);

    /// <summary>Scientific notation such as 1e18.</summary>
    public static string Scientific(double value) =>
        "1e" + Math.Round(Math.Log10(value)).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Plain numbers for values of order one (0.1, 1, 10, 100).</summary>
    public static string Plain(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
