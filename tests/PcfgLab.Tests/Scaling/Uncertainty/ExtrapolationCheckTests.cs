using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class ExtrapolationCheckTests
{
    /// <summary>Noise-free runs of the true law on IsoFLOP budgets 1e17 .. 1e21 (five budgets, seven sizes each).</summary>
    private static List<FitRun> BudgetRuns(double sigma = 0, int seed = 1)
    {
        var law = SyntheticRuns.TrueLaw;
        var random = new Random(seed);
        var runs = new List<FitRun>();
        foreach (var c in new[] { 1e17, 1e18, 1e19, 1e20, 1e21 })
        {
            var best = new ComputeOptimalFrontier(law).OptimalParameters(c);
            for (var j = -3; j <= 3; j++)
            {
                var n = best * Math.Pow(10, 0.3 * j);
                var d = c / (6 * n);
                var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                runs.Add(new FitRun("b", n, d, law.Loss(n, d) * Math.Exp(sigma * z), null, c, runs.Count + 1));
            }
        }

        return runs;
    }

    [Fact]
    public void Noise_free_law_extrapolates_exactly_in_every_fold()
    {
        var result = ExtrapolationCheck.Run(BudgetRuns(), new ExtrapolationOptions());

        Assert.Equal(5, result.Folds.Count);
        Assert.Empty(result.Skipped);
        Assert.All(result.Folds, f => Assert.Equal(28, f.TrainRuns));
        Assert.All(result.Folds, f => Assert.Equal(7, f.HeldOut.Runs));
        Assert.All(result.Folds, f => Assert.True(f.MaxRelativeError < 1e-5, f.ToString()));
        Assert.True(result.PooledMeanRelativeError < 1e-5);
    }

    [Fact]
    public void Rollout_over_compute_fits_growing_prefixes_and_skips_the_ones_too_small()
    {
        var result = ExtrapolationCheck.Run(BudgetRuns(0.01, 2), new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutFlops });

        // Cut at 1e17 leaves 7 runs at one compute: fitted (7 > 5 parameters, several N and D) but poorly.
        Assert.Equal([1e17, 1e18, 1e19, 1e20], result.Folds.Select(f => f.Cut));
        Assert.Equal([7, 14, 21, 28], result.Folds.Select(f => f.TrainRuns));
        Assert.Equal([28, 21, 14, 7], result.Folds.Select(f => f.HeldOut.Runs));

        // With more budgets fitted, the last fold predicts the top budget within a few percent.
        Assert.True(result.Folds[^1].HeldOut.MeanRelativeError < 0.03, result.Folds[^1].ToString());
    }

    [Fact]
    public void Rollout_over_size_holds_out_every_larger_model()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 4, tokenCounts: 4);
        var result = ExtrapolationCheck.Run(runs, new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters });

        // The first cut leaves the 4 runs of one model size: skipped with the fitter's reason.
        Assert.Equal(2, result.Folds.Count);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("1E+07: the input has 4 usable runs; a Chinchilla fit needs more than 5 (one per parameter plus one)", skipped);
        Assert.Equal([8, 4], result.Folds.Select(f => f.HeldOut.Runs));

        // Two model sizes cannot separate E, A and alpha (three unknowns from two N), so even noise-free runs
        // extrapolate with about 1% error; with three sizes the law is identified and extrapolates exactly.
        Assert.InRange(result.Folds[0].HeldOut.MeanRelativeError, 1e-3, 0.05);
        Assert.True(result.Folds[1].MaxRelativeError < 1e-5, result.Folds[1].ToString());
    }

    [Fact]
    public void No_fittable_fold_is_a_one_line_error()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 2, tokenCounts: 2);

        var ex = Assert.Throws<UserInputException>(() => ExtrapolationCheck.Run(runs, new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters }));
        Assert.StartsWith("no fold of the extrapolation check could be fitted (1E+07: the input has 2 usable runs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fold_law_that_predicts_no_finite_loss_counts_as_infinite_error_and_ranks_last()
    {
        // cpu-grid's gzipscale-0.51 with its smallest size fitted: A overflows (the fit is degenerate), so the law
        // predicts no finite loss for the larger sizes. (The fit's bits, and so which degenerate optimum it finds, are
        // the same on every machine: one vector width in the kernel.)
        var path = Path.Combine(TestSupport.SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var runs = RunRecordReader.Read(path, RunColumnMap.Default).Where(r => r.Dataset == "gzipscale-0.51").ToList();
        var options = new ExtrapolationOptions { Scheme = ExtrapolationScheme.RolloutParameters };

        var chinchilla = ExtrapolationCheck.Run(runs, options);
        Assert.Equal(double.PositiveInfinity, chinchilla.PooledMeanRelativeError);
        var ranked = ExtrapolationCheck.CompareForms(runs, options);
        Assert.Equal(ExtrapolatedForm.Chinchilla, ranked[^1].Form);
        Assert.True(double.IsFinite(ranked[0].Result.PooledMeanRelativeError));
    }
}
