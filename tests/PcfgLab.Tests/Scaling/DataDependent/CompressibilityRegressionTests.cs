using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class CompressibilityRegressionTests
{
    internal static List<DatasetLaw> ExactLinearLaws()
    {
        // Every parameter exactly linear in H: E = 2 H + 1, A = -300 H + 500, B = 1000 H + 100, alpha = 0.1 H + 0.3, beta = -0.2 H + 0.4.
        double[] hs = [0.11, 0.22, 0.35, 0.42, 0.51, 0.61];
        return [.. hs.Select(h => new DatasetLaw($"gzipscale-{h}", h, new ChinchillaParameters((2 * h) + 1, (-300 * h) + 500, (1000 * h) + 100, (0.1 * h) + 0.3, (-0.2 * h) + 0.4)))];
    }

    [Fact]
    public void Noise_free_linear_relations_are_recovered_exactly()
    {
        var regression = CompressibilityRegression.Fit(ExactLinearLaws());
        (string Name, double Slope, double Intercept)[] expected = [("E", 2, 1), ("A", -300, 500), ("B", 1000, 100), ("alpha", 0.1, 0.3), ("beta", -0.2, 0.4)];
        foreach (var (name, slope, intercept) in expected)
        {
            var line = regression[name];

            // Exact data: only floating-point rounding separates the fit from the truth.
            Assert.Equal(slope, line.Slope, 1e-9 * Math.Max(1, Math.Abs(slope)));
            Assert.Equal(intercept, line.Intercept, 1e-9 * Math.Max(1, Math.Abs(intercept)));
            Assert.Equal(1, line.RSquared, 1e-12);
            Assert.True(line.PValue < 1e-6, $"{name}: p = {line.PValue}");
            Assert.Equal(6, line.Points);
        }
    }

    [Fact]
    public void P_value_matches_the_closed_form_t_distribution_with_one_degree_of_freedom()
    {
        // x = 0, 1, 2; y = 0, 1, 3: slope 1.5, intercept -1/6, t = 3 sqrt(3) on 1 df. The t CDF with 1 df is
        // 1/2 + atan(t)/pi, so p = 1 - 2 atan(3 sqrt 3)/pi = 0.12103771832367671 (python3 math.atan); R^2 = 1 - (1/6)/(42/9).
        var line = LinearFit.Of([0, 1, 2], [0, 1, 3]);
        Assert.Equal(1.5, line.Slope, 1e-14);
        Assert.Equal(-1.0 / 6, line.Intercept, 1e-14);
        Assert.Equal(1 - (9.0 / 252), line.RSquared, 1e-14);
        Assert.Equal(0.12103771832367671, line.PValue, 1e-10);
    }

    [Fact]
    public void P_value_matches_the_closed_form_t_distribution_with_two_degrees_of_freedom()
    {
        // x = 0..3, y = 0, 1, 1, 3: slope 0.9, t = 3.4016802570830453; with 2 df the two-sided p is 1 - t/sqrt(t^2 + 2).
        var line = LinearFit.Of([0, 1, 2, 3], [0, 1, 1, 3]);
        Assert.Equal(0.9, line.Slope, 1e-14);
        Assert.Equal(-0.1, line.Intercept, 1e-14);
        Assert.Equal(0.8526315789473684, line.RSquared, 1e-12);
        Assert.Equal(0.07661948312336131, line.PValue, 1e-10);
    }

    [Fact]
    public void Two_points_give_no_p_value_and_one_point_is_an_error()
    {
        var laws = ExactLinearLaws();
        Assert.True(double.IsNaN(CompressibilityRegression.Fit(laws.Take(2).ToList()).E.PValue));
        Assert.StartsWith("regression on compressibility needs fits of at least 2 datasets", Assert.Throws<UserInputException>(() => CompressibilityRegression.Fit(laws.Take(1).ToList())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Datasets_at_one_compressibility_are_an_error()
    {
        var law = SyntheticRuns.TrueLaw;
        var ex = Assert.Throws<UserInputException>(() => CompressibilityRegression.Fit([new DatasetLaw("a", 0.3, law), new DatasetLaw("b", 0.3, law)]));
        Assert.Equal("every dataset has the same compressibility H = 0.3; the regression needs datasets of different H", ex.Message);
    }
}
