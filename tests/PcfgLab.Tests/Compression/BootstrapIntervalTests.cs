using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public class BootstrapIntervalTests
{
    private static double[] Uniform(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
    }

    [Fact]
    public void Is_deterministic_for_a_seed()
    {
        var values = Uniform(500, 1);
        Assert.Equal(BootstrapInterval.ForMedian(values, 3), BootstrapInterval.ForMedian(values, 3));
        Assert.NotEqual(BootstrapInterval.ForMedian(values, 3), BootstrapInterval.ForMedian(values, 4));
    }

    [Fact]
    public void Width_matches_the_median_standard_error_of_a_uniform_sample()
    {
        // Median of U(0,1): standard error 1 / (2 f(m) sqrt(n)) = 0.5 / sqrt(1000) = 0.0158, so a 95% interval is
        // about 0.062 wide; bootstrap noise on the ends is a few per cent of that, 0.045..0.085 is generous.
        var values = Uniform(1000, 2);
        var sorted = values.Order().ToArray();
        var median = SummaryStatistics.Percentile(sorted, 50);
        var interval = BootstrapInterval.ForMedian(values, 9);
        Assert.InRange(interval.High - interval.Low, 0.045, 0.085);
        Assert.True(interval.Low < median && median < interval.High);
        Assert.Equal(2000, interval.Resamples);

        var byRanks = BootstrapInterval.ForMedianByOrderStatistics(values);
        Assert.InRange(byRanks.High - byRanks.Low, 0.045, 0.085);
        Assert.Equal(0, byRanks.Resamples);
    }

    [Fact]
    public void Covers_the_true_median_about_95_percent_of_the_time()
    {
        // 200 samples of 201 from U(0,1), true median 0.5: coverage ~ Binomial(200, 0.95), sd 3.1 points; a
        // percentile bootstrap of a median runs slightly conservative, so 85%..100% is over 3 sd either way.
        var covered = 0;
        for (var s = 0; s < 200; s++)
        {
            var interval = BootstrapInterval.ForMedian(Uniform(201, 100 + s), (ulong)s, resamples: 400);
            if (interval.Low <= 0.5 && 0.5 <= interval.High)
            {
                covered++;
            }
        }

        Assert.InRange(covered, 170, 200);
    }

    [Fact]
    public void Large_samples_use_order_statistics()
    {
        var values = Uniform(BootstrapInterval.MaxBootstrapValues + 1, 3);
        Assert.Equal(0, BootstrapInterval.ForMedianOfAnySize(values, 1).Resamples);
        Assert.Equal(2000, BootstrapInterval.ForMedianOfAnySize(values.AsSpan(0, 100), 1).Resamples);
    }
}
