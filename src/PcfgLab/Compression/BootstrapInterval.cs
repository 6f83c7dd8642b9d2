namespace PcfgLab.Compression;

/// <summary>
/// Seeded percentile-bootstrap confidence interval for the median: resample the values with replacement,
/// take each resample's median, and report the (1 - level)/2 and (1 + level)/2 percentiles of those medians.
/// Two corpora whose intervals do not overlap differ by more than sampling noise.
/// </summary>
/// <param name="Low">Lower end.</param>
/// <param name="High">Upper end.</param>
/// <param name="Level">Confidence level, for example 0.95.</param>
/// <param name="Resamples">Number of bootstrap resamples.</param>
public sealed record BootstrapInterval(double Low, double High, double Level, int Resamples)
{
    /// <summary>Default number of resamples.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>Above this many values the bootstrap is replaced by the order-statistic interval (same coverage, far cheaper).</summary>
    public const int MaxBootstrapValues = 20000;

    /// <summary>
    /// Interval for the median of <paramref name="values"/>: the seeded bootstrap up to
    /// <see cref="MaxBootstrapValues"/> values, the distribution-free order-statistic interval above (Resamples = 0).
    /// </summary>
    public static BootstrapInterval ForMedianOfAnySize(ReadOnlySpan<double> values, ulong seed, int resamples = DefaultResamples) =>
        values.Length <= MaxBootstrapValues ? ForMedian(values, seed, resamples) : ForMedianByOrderStatistics(values);

    /// <summary>
    /// The distribution-free 95% interval for a median from order statistics: ranks n/2 -/+ 1.96 sqrt(n)/2 of the
    /// sorted sample (normal approximation to the binomial), for samples too large to bootstrap.
    /// </summary>
    public static BootstrapInterval ForMedianByOrderStatistics(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("Cannot take an interval of an empty sample.", nameof(values));
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var n = sorted.Length;
        var half = 1.959963984540054 * Math.Sqrt(n) / 2;
        var low = Math.Clamp((int)Math.Floor((n / 2.0) - half), 0, n - 1);
        var high = Math.Clamp((int)Math.Ceiling((n / 2.0) + half), 0, n - 1);
        return new BootstrapInterval(sorted[low], sorted[high], 0.95, 0);
    }

    /// <summary>Bootstrap interval for the median of <paramref name="values"/> (not modified); deterministic for a seed.</summary>
    public static BootstrapInterval ForMedian(ReadOnlySpan<double> values, ulong seed, int resamples = DefaultResamples, double level = 0.95)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("Cannot bootstrap an empty sample.", nameof(values));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, 1);
        var random = new SplitMix64Stream(seed);
        var n = values.Length;
        var resample = new double[n];
        var medians = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++)
            {
                resample[i] = values[(int)random.NextBelow(n)];
            }

            Array.Sort(resample);
            medians[r] = SummaryStatistics.Percentile(resample, 50);
        }

        Array.Sort(medians);
        var tail = (1 - level) / 2 * 100;
        return new BootstrapInterval(SummaryStatistics.Percentile(medians, tail), SummaryStatistics.Percentile(medians, 100 - tail), level, resamples);
    }
}
