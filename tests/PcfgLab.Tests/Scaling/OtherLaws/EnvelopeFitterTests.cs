using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class EnvelopeFitterTests
{
    /// <summary>Curves that follow a Chinchilla law at every step (loss after t tokens = L(N, t)), 25 sizes over 3 decades.</summary>
    private static List<TrainingCurve> LawCurves(ChinchillaParameters law)
    {
        var curves = new List<TrainingCurve>();
        for (var i = 0; i < 25; i++)
        {
            var n = 1e7 * Math.Pow(1000, i / 24.0);
            const double D = 1e12;
            const int Steps = 400;
            var perStep = D / Steps;
            var losses = new double[Steps];
            for (var k = 0; k < Steps; k++)
            {
                losses[k] = law.Loss(n, (k + 1) * perStep);
            }

            curves.Add(new TrainingCurve("law", n, D, perStep, losses));
        }

        return curves;
    }

    [Fact]
    public void Envelope_of_a_laws_curves_recovers_its_allocation_exponent()
    {
        // Each curve is the law itself, so the envelope is the law's frontier up to the spacing of model sizes
        // (a factor 1.33): fitted on the points where the winner is neither the smallest nor the largest size that
        // reaches that compute, the exponent lands within 0.02 of a = beta/(alpha + beta).
        var law = SyntheticRuns.TrueLaw;
        var fit = EnvelopeFitter.Fit(LawCurves(law), new EnvelopeOptions { Resamples = 0, Smoothing = 1 });

        Assert.Equal(IsoFlopMinimum.Envelope, fit.Method);
        Assert.Equal(40, fit.Budgets.Count);
        Assert.Equal(law.ParameterAllocationExponent, fit.Parameters.Exponent, 0.02);
        Assert.Equal(1 - fit.Parameters.Exponent, fit.Tokens.Exponent, 1e-12);
    }

    [Fact]
    public void Two_crossing_curves_give_the_smaller_model_below_the_crossing()
    {
        // Both cover C from 6e8 to 6e9; at C the small model is at step 10 k of the large one's k, and
        // 1 + 1/(10 k) = 0.5 + 4/k at k = 7.8, C = 6e4 x 7.8e4 = 4.7e9: the small model wins below, the large above.
        var small = new TrainingCurve("x", 1e3, 1e6, 1e4, [.. Enumerable.Range(1, 100).Select(k => 1.0 + (1.0 / k))]);
        var large = new TrainingCurve("x", 1e4, 1e6, 1e4, [.. Enumerable.Range(1, 100).Select(k => 0.5 + (4.0 / k))]);
        var fit = EnvelopeFitter.Fit([small, large], new EnvelopeOptions { Resamples = 0, Smoothing = 1, Points = 10 });

        Assert.All(fit.Budgets, b => Assert.Equal(2, b.Runs));
        Assert.All(fit.Budgets, b => Assert.False(b.Interior));
        Assert.Equal(1e3, fit.Budgets[0].OptimalParameters, 1e-6);
        Assert.Equal(1e4, fit.Budgets[^1].OptimalParameters, 1e-6);
        Assert.Equal(9, fit.Budgets.Count(b => b.OptimalParameters < 2e3)); // grid points 6e8 .. 6e9, log-spaced: 9 of 10 below 4.7e9
    }

    [Fact]
    public void Bootstrap_is_identical_for_any_thread_count()
    {
        var curves = LawCurves(SyntheticRuns.TrueLaw);
        var one = EnvelopeFitter.Fit(curves, new EnvelopeOptions { Resamples = 50, Seed = 1, MaxDegreeOfParallelism = 1 });
        var three = EnvelopeFitter.Fit(curves, new EnvelopeOptions { Resamples = 50, Seed = 1, MaxDegreeOfParallelism = 3 });

        Assert.Equal(one.Parameters, three.Parameters);
        Assert.True(one.UsedResamples > 40, one.UsedResamples.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void One_model_size_is_a_one_line_error()
    {
        var curve = new TrainingCurve("x", 1e3, 1e6, 1e4, [2, 1.5, 1.2]);

        var ex = Assert.Throws<UserInputException>(() => EnvelopeFitter.Fit([curve, curve with { Tokens = 2e6 }], new EnvelopeOptions { Resamples = 0 }));
        Assert.Equal("Approach 1 needs curves of at least two model sizes; got 1", ex.Message);
    }
}
