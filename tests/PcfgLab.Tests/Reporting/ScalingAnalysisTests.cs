using PcfgLab.Reporting;

namespace PcfgLab.Tests.Reporting;

public sealed class ScalingAnalysisTests
{
    [Fact]
    public void Regress_matches_a_hand_computed_line_and_p_value()
    {
        // x = 1..4, y = 2, 4, 5, 8: slope = 1.9, intercept = 0, residual SS = 0.7, R^2 = 1 - 0.7/18.75;
        // SE(slope) = sqrt(0.7 / 2 / 5) = 0.26458, t = 7.1813 on 2 degrees of freedom, two-sided p = 0.018845.
        var trend = new ScalingAnalysis().Regress("E", [1, 2, 3, 4], [2, 4, 5, 8]);

        Assert.Equal(1.9, trend.Slope, 12);
        Assert.Equal(0.0, trend.Intercept, 12);
        Assert.Equal(1 - (0.7 / 18.75), trend.RSquared, 12);
        Assert.Equal(0.018845, trend.PValue, 5);
        Assert.Equal(4, trend.Datasets);
    }

    [Fact]
    public void Regress_on_two_points_has_no_p_value()
    {
        var trend = new ScalingAnalysis().Regress("A", [0.1, 0.2], [1, 3]);

        Assert.Equal(20, trend.Slope, 9);
        Assert.True(double.IsNaN(trend.PValue));
    }
}
