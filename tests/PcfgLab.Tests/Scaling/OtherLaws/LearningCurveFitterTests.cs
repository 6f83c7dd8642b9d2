using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class LearningCurveFitterTests
{
    private static List<FitRun> Curve(LearningCurveParameters law, double sigma, int seed) =>
        SyntheticRuns.Grid((n, d) => law.Loss(law.Variable == ScalingVariable.Tokens ? d : n), sigma, seed, sizes: 1 + 1, tokenCounts: 15)
            .Where(r => law.Variable == ScalingVariable.Tokens ? r.Parameters == 1e7 : true).ToList();

    [Fact]
    public void Noise_free_data_curve_is_recovered()
    {
        var law = new LearningCurveParameters(2.1, 900, 0.3, ScalingVariable.Tokens);
        var fit = LearningCurveFitter.Fit(Curve(law, 0, 1), ScalingVariable.Tokens, new FitOptions());
        Assert.True(fit.Converged);
        Assert.Equal(150, fit.Starts);

        // Exact data: recovery limited only by the optimiser's tolerances.
        Assert.Equal(law.E, fit.Parameters.E, 1e-5);
        Assert.Equal(1, fit.Parameters.B / law.B, 1e-4);
        Assert.Equal(law.Beta, fit.Parameters.Beta, 1e-5);
    }

    [Fact]
    public void Noisy_parameter_curve_is_recovered()
    {
        var law = new LearningCurveParameters(1.5, 300, 0.25, ScalingVariable.Parameters);
        var runs = SyntheticRuns.Grid((n, _) => law.Loss(n), 0.005, 4, sizes: 20, tokenCounts: 1);
        var fit = LearningCurveFitter.Fit(runs, ScalingVariable.Parameters, new FitOptions());
        Assert.True(fit.Converged, fit.ToString());

        // 0.5% noise on 20 points over three decades: E and beta are determined to a few hundredths.
        Assert.Equal(law.E, fit.Parameters.E, 0.1);
        Assert.Equal(law.Beta, fit.Parameters.Beta, 0.03);
        Assert.True(fit.MeanRelativeError < 0.006);
    }

    [Fact]
    public void One_token_count_is_an_error()
    {
        var runs = SyntheticRuns.Grid((_, _) => 3, 0, 1, sizes: 5, tokenCounts: 1);
        Assert.Equal("every run has the same token count D, so a learning curve in it cannot be fitted",
            Assert.Throws<UserInputException>(() => LearningCurveFitter.Fit(runs, ScalingVariable.Tokens, new FitOptions())).Message);
    }
}
