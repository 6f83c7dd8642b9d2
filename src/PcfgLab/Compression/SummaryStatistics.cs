namespace PcfgLab.Compression;

/// <summary>
/// Median (the study's headline), sample standard deviation, mean and the 5th and 95th percentiles of a sample.
/// The median averages the two middle values of an even sample, as Python's statistics.median and numpy do;
/// percentiles interpolate linearly between order statistics (numpy's default).
/// </summary>
/// <param name="Count">Sample size.</param>
/// <param name="Median">Median.</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1 in the denominator); NaN when Count &lt; 2.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="P05">5th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record SummaryStatistics(int Count, double Median, double StandardDeviation, double Mean, double P05, double P95, double Min, double Max)
{
    /// <summary>Summarises <paramref name="values"/> (not modified). Throws when it is empty.</summary>
    public static SummaryStatistics Of(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("Cannot summarise an empty sample.", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        double sum = 0;
        foreach (var v in sorted)
        {
            sum += v;
        }

        var mean = sum / n;
        double squares = 0;
        foreach (var v in sorted)
        {
            squares += (v - mean) * (v - mean);
        }

        var stdev = n > 1 ? Math.Sqrt(squares / (n - 1)) : double.NaN;
        return new SummaryStatistics(n, Percentile(sorted, 50), stdev, mean, Percentile(sorted, 5), Percentile(sorted, 95), sorted[0], sorted[^1]);
    }

    /// <summary>Linear-interpolation percentile (numpy's default) of an ascending-sorted sample.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("Cannot take a percentile of an empty sample.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var position = percent / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }
}
