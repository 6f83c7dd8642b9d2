using PcfgLab.Analysis;
using PcfgLab.Scaling;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Analysis;

public sealed class ScalingStudyTests
{
    private static (string, double?, ChinchillaParameters) Point(string name, double h, double e) => (name, h, new ChinchillaParameters(e, 400, 400, 0.3, 0.3));

    [Fact]
    public void TryRegress_matches_a_hand_computed_line_and_p_value()
    {
        // x = 1..4, y = 2, 4, 5, 8: slope = 1.9, intercept = 0, residual SS = 0.7, R^2 = 1 - 0.7/18.75;
        // SE(slope) = sqrt(0.7 / 2 / 5) = 0.26458, t = 7.1813 on 2 degrees of freedom, two-sided p = 0.018845.
        var regression = ScalingStudy.TryRegress([Point("a", 1, 2), Point("b", 2, 4), Point("c", 3, 5), Point("d", 4, 8)])!;

        Assert.Equal(1.9, regression.E.Slope, 12);
        Assert.Equal(0.0, regression.E.Intercept, 12);
        Assert.Equal(1 - (0.7 / 18.75), regression.E.RSquared, 12);
        Assert.Equal(0.018845, regression.E.PValue, 5);
        Assert.Equal(4, regression.E.Points);
    }

    [Fact]
    public void TryRegress_on_two_points_has_no_p_value_and_on_one_H_no_line()
    {
        var two = ScalingStudy.TryRegress([Point("a", 0.1, 1), Point("b", 0.2, 3)])!;
        Assert.Equal(20, two.E.Slope, 9);
        Assert.True(double.IsNaN(two.E.PValue));

        Assert.Null(ScalingStudy.TryRegress([Point("a", 0.3, 1), Point("b", 0.3, 3)]));
        Assert.Null(ScalingStudy.TryRegress([Point("a", 0.3, 1), ("b", null, new ChinchillaParameters(1, 1, 1, 1, 1))]));
    }

    [Fact]
    public void Regress_takes_H_from_the_overrides_and_names_a_dataset_without_one()
    {
        var fits = new[]
        {
            new DatasetFitResult("a", 0.1, Chinchilla: Fit(2)),
            new DatasetFitResult("b", null, Chinchilla: Fit(4)),
        };

        var ex = Assert.Throws<UserInputException>(() => ScalingStudy.Regress(fits));
        Assert.StartsWith("dataset 'b' has no compressibility H", ex.Message, StringComparison.Ordinal);

        var regression = ScalingStudy.Regress(fits, new Dictionary<string, double?> { ["b"] = 0.3 });
        Assert.Equal(10, regression.E.Slope, 9);
    }

    [Fact]
    public void FitRuns_are_the_records_final_validation_losses_with_C_6ND()
    {
        TrainingRecord[] records =
        [
            new() { CellId = "c0", Dataset = "d", Parameters = 1000, Tokens = 20000, FinalValidLoss = 3.5, GzipMedian = 0.25, Device = "cpu" },
            new() { CellId = "c1", Dataset = "d", Parameters = 2000, Tokens = 40000, FinalValidLoss = 3.0, Device = "cpu" },
        ];

        var runs = ScalingStudy.FitRuns("d", records);

        Assert.Equal([new FitRun("d", 1000, 20000, 3.5, 0.25, 1.2e8, 1), new FitRun("d", 2000, 40000, 3.0, null, 4.8e8, 2)], runs);
    }

    private static ChinchillaFit Fit(double e) =>
        new(new ChinchillaParameters(e, 400, 400, 0.3, 0.3), 0, true, 0, 3, 1, 1, 0, 0, 0);
}
