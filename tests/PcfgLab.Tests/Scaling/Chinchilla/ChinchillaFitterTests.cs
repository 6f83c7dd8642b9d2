using PcfgLab.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scaling;

public sealed class ChinchillaFitterTests
{
    /// <summary>Epoch AI's digitised Chinchilla runs, N = Model Size, C = Training FLOP, D = C/(6N), minus the 5 highest losses.</summary>
    internal static IReadOnlyList<FitRun> EpochRuns()
    {
        var runs = RunRecordReader.Read(
            SharedFiles.PathOf("validation", "chinchilla_epoch_svg_extracted_data.csv"),
            new RunColumnMap { Parameters = "Model Size", Flops = "Training FLOP", Loss = "loss" });
        return runs.OrderBy(r => r.Loss).Take(runs.Count - 5).ToList();
    }

    [SharedFact]
    public void Epoch_data_grid_fit_reaches_the_replication_optimum()
    {
        var runs = EpochRuns();
        var fit = ChinchillaFitter.Fit(runs, new FitOptions());

        Assert.Equal(240, fit.Runs);
        Assert.Equal(4500, fit.Starts);
        Assert.True(fit.Converged);

        // Besiroglu et al. 2024 report the optimum 1.0183e-3 to 5 significant digits: compare at that precision.
        Assert.Equal(1.0183e-3, Math.Round(fit.Objective, 7));

        // Their parameters, to the digits they publish.
        Assert.Equal(1.817, Math.Round(fit.Parameters.E, 3));
        Assert.Equal(478, Math.Round(fit.Parameters.A));
        Assert.Equal(2143, Math.Round(fit.Parameters.B));
        Assert.Equal(0.3473, Math.Round(fit.Parameters.Alpha, 4));
        Assert.Equal(0.3672, Math.Round(fit.Parameters.Beta, 4));
    }

    [SharedFact]
    public void Hoffmann_published_values_score_worse_on_the_same_objective()
    {
        var objective = ChinchillaFitter.Objective(EpochRuns(), ChinchillaParameters.Hoffmann2022);

        // Epoch report about 4.12e-3 for the rounded published law (three significant digits).
        Assert.Equal(4.12e-3, Math.Round(objective, 5));
    }
}

public sealed class ChinchillaFitterRecoveryTests
{
    [Fact]
    public void Noise_free_runs_give_back_the_law()
    {
        var law = SyntheticRuns.TrueLaw;
        var fit = ChinchillaFitter.Fit(SyntheticRuns.Grid(law.Loss, 0, 1), SyntheticRuns.SmallGrid);
        Assert.True(fit.Converged, fit.ToString());

        // Without noise every residual can be zero; the optimiser's relative gradient rule leaves errors far below 1e-4.
        Assert.Equal(law.E, fit.Parameters.E, 1e-4);
        Assert.Equal(1, fit.Parameters.A / law.A, 1e-3);
        Assert.Equal(1, fit.Parameters.B / law.B, 1e-3);
        Assert.Equal(law.Alpha, fit.Parameters.Alpha, 1e-4);
        Assert.Equal(law.Beta, fit.Parameters.Beta, 1e-4);
        Assert.True(fit.Objective < 1e-12, $"objective {fit.Objective}");
        Assert.True(fit.Rmse < 1e-6);
    }

    [Fact]
    public void Noisy_runs_are_fitted_back_from_the_full_grid()
    {
        var law = SyntheticRuns.TrueLaw;
        var runs = SyntheticRuns.Grid(law.Loss, 0.01, 7);
        var fit = ChinchillaFitter.Fit(runs, new FitOptions());
        Assert.Equal(4500, fit.Starts);
        Assert.True(fit.Converged);

        // 1% noise on 100 runs spanning three decades in N and D: over 40 noise draws the fitted E had SD 0.019 and
        // alpha 0.0097, so these tolerances are about 4 standard deviations.
        Assert.Equal(law.E, fit.Parameters.E, 0.08);
        Assert.Equal(law.Alpha, fit.Parameters.Alpha, 0.04);
        Assert.Equal(law.Beta, fit.Parameters.Beta, 0.04);
        Assert.Equal(law.ParameterAllocationExponent, fit.Parameters.ParameterAllocationExponent, 0.04);
        Assert.True(fit.MeanRelativeError < 0.012, $"mean relative error {fit.MeanRelativeError}");
    }

    [Fact]
    public void Thread_count_does_not_change_the_result()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.02, 3);
        var options = new FitOptions { AlphaGrid = [0, 1, 2], BetaGrid = [0, 1, 2], LogAGrid = [0, 10, 20], LogBGrid = [0, 10, 20], LogEGrid = [-1, 1] };
        var one = ChinchillaFitter.Fit(runs, options with { MaxDegreeOfParallelism = 1 });
        var many = ChinchillaFitter.Fit(runs, options with { MaxDegreeOfParallelism = 4 });
        Assert.Equal(one, many);
    }

    [Fact]
    public void Too_few_runs_is_a_one_line_error()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 2, tokenCounts: 2);
        var ex = Assert.Throws<UserInputException>(() => ChinchillaFitter.Fit(runs, new FitOptions()));
        Assert.Equal("the input has 4 usable runs; a Chinchilla fit needs more than 5 (one per parameter plus one)", ex.Message);
    }

    [Fact]
    public void Runs_at_one_model_size_are_a_one_line_error()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 2, tokenCounts: 8).Where(r => r.Parameters == 1e7).ToList();
        var ex = Assert.Throws<UserInputException>(() => ChinchillaFitter.Fit(runs, new FitOptions()));
        Assert.StartsWith("the input: every run has the same parameter count N = 1E+07", ex.Message, StringComparison.Ordinal);
    }
}
