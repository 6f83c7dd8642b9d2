using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class DataConstrainedFitterTests
{
    private static readonly DataConstrainedParameters Truth = new(SyntheticRuns.TrueLaw, 15);

    /// <summary>5 sizes x 6 epoch counts (1 to 32) on 1e8 and 1e9 unique tokens: 60 runs, unique tokens in the dataset name.</summary>
    private static List<FitRun> RepeatedRuns(double sigma, int seed)
    {
        var random = new Random(seed);
        var runs = new List<FitRun>();
        foreach (var u in new[] { 1e8, 1e9 })
        {
            for (var i = 0; i < 5; i++)
            {
                var n = 1e7 * Math.Pow(1000, i / 4.0);
                foreach (var epochs in new[] { 1, 2, 4, 8, 16, 32 })
                {
                    var d = u * epochs;
                    var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    runs.Add(new FitRun(u.ToString("R", System.Globalization.CultureInfo.InvariantCulture), n, d, Truth.Loss(n, d, u) * Math.Exp(sigma * z), null, 6 * n * d, runs.Count + 1));
                }
            }
        }

        return runs;
    }

    private static double Unique(FitRun run) => double.Parse(run.Dataset, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Effective_tokens_follow_muennighoffs_formula()
    {
        // One epoch: D' = D. Many: D' tends to U (1 + R*). Four epochs, R = 3: U (1 + 15 (1 - e^-0.2)).
        Assert.Equal(1e9, Truth.EffectiveTokens(1e9, 1e9));
        Assert.Equal(1e9 * (1 + (15 * (1 - Math.Exp(-0.2)))), Truth.EffectiveTokens(4e9, 1e9), 1);
        Assert.Equal(16e9, Truth.EffectiveTokens(1e15, 1e9), 1e3);
    }

    [Fact]
    public void Noise_free_repeated_runs_give_back_the_law_and_r_star()
    {
        var fit = DataConstrainedFitter.Fit(RepeatedRuns(0, 1), Unique, new FitOptions());

        Assert.True(fit.Converged);
        Assert.Equal(729, fit.Starts);
        Assert.Equal(15, fit.Parameters.RepetitionScale, 1e-3);
        Assert.Equal(0.36, fit.Parameters.Law.Beta, 1e-4);
        Assert.Equal(1.8, fit.Parameters.Law.E, 1e-4);
        Assert.True(fit.MeanRelativeError < 1e-6);
    }

    [Fact]
    public void Held_out_error_prefers_it_on_repeated_data()
    {
        // Leave one budget out is meaningless here (C differs per run); rollout over N predicts the largest models.
        var options = new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters, UniqueTokens = Unique };
        var ranked = ExtrapolationCheck.CompareForms(RepeatedRuns(0.005, 2), options);

        Assert.Equal(3, ranked.Count);
        Assert.Equal(ExtrapolatedForm.DataConstrained, ranked[0].Form);
        Assert.All(ranked[0].Result.Folds, f => Assert.NotNull(f.RepetitionScale));
    }

    [Fact]
    public void Compare_leaves_it_out_without_unique_tokens()
    {
        var ranked = ExtrapolationCheck.CompareForms(RepeatedRuns(0.005, 2), new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters });

        Assert.DoesNotContain(ranked, r => r.Form == ExtrapolatedForm.DataConstrained);
    }
}
