using PcfgLab.Compression;

namespace PcfgLab.Tests.Compression;

public sealed class SummaryStatisticsTests
{
    [Fact]
    public void Odd_sample_matches_numpy()
    {
        // numpy: median 3, std(ddof=1) 1.5811388300841898, percentile 5 -> 1.2, 95 -> 4.8
        var s = SummaryStatistics.Of([5.0, 1, 4, 2, 3]);
        Assert.Equal(3.0, s.Median);
        Assert.Equal(1.5811388300841898, s.StandardDeviation, 15);
        Assert.Equal(3.0, s.Mean);
        Assert.Equal(1.2, s.P05, 12);
        Assert.Equal(4.8, s.P95, 12);
        Assert.Equal(1.0, s.Min);
        Assert.Equal(5.0, s.Max);
    }

    [Fact]
    public void Even_sample_median_averages_the_middle_pair()
    {
        Assert.Equal(2.5, SummaryStatistics.Of([4.0, 1, 3, 2]).Median);
    }

    [Fact]
    public void Single_value_has_no_sample_deviation()
    {
        var s = SummaryStatistics.Of([7.0]);
        Assert.Equal(7.0, s.Median);
        Assert.True(double.IsNaN(s.StandardDeviation));
    }

    [Fact]
    public void Empty_sample_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => SummaryStatistics.Of([]));
    }
}
