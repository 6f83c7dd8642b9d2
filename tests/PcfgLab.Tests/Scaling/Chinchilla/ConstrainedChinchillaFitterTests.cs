using PcfgLab.Scaling;
using PcfgLab.Tests.TestSupport;

namespace PcfgLab.Tests.Scaling;

public sealed class ConstrainedChinchillaFitterTests
{
    [Fact]
    public void Tied_exponents_recover_a_law_with_alpha_equal_to_beta()
    {
        var law = new ChinchillaParameters(1.8, 400, 1500, 0.35, 0.35);
        var fit = ConstrainedChinchillaFitter.Fit(SyntheticRuns.Grid(law.Loss, 0, 1), SyntheticRuns.SmallGrid, new ChinchillaConstraints { TieExponents = true });

        Assert.Equal(fit.Parameters.Alpha, fit.Parameters.Beta);
        Assert.Equal(0.35, fit.Parameters.Alpha, 1e-5);
        Assert.Equal(1.8, fit.Parameters.E, 1e-5);
        Assert.Equal(400, fit.Parameters.A, 0.4);
        Assert.Equal(8, fit.Starts); // the 16-start grid projected on alpha = beta: 2 x 1 x 2 x 2
    }

    [Fact]
    public void Fixed_e_is_held_and_the_rest_recovered()
    {
        var law = SyntheticRuns.TrueLaw;
        var fit = ConstrainedChinchillaFitter.Fit(SyntheticRuns.Grid(law.Loss, 0, 1), SyntheticRuns.SmallGrid, new ChinchillaConstraints { FixedE = 1.8 });

        Assert.Equal(1.8, fit.Parameters.E, 1e-12);
        Assert.Equal(0.34, fit.Parameters.Alpha, 1e-5);
        Assert.Equal(0.36, fit.Parameters.Beta, 1e-5);
        Assert.True(fit.Objective < 1e-12);
    }

    [Fact]
    public void Unconstrained_path_equals_the_plain_fitter()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.01, 7);
        var plain = ChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid);
        var none = ConstrainedChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid, new ChinchillaConstraints());

        Assert.Equal(plain, none);
    }

    [Fact]
    public void Two_model_sizes_leave_a_and_alpha_unidentified_and_the_check_says_so()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.01, 5, sizes: 2, tokenCounts: 8);
        var fit = ConstrainedChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid, new ChinchillaConstraints());
        var check = ConstrainedChinchillaFitter.Identify(runs, fit, new ChinchillaConstraints(), new BootstrapOptions { Resamples = 60, Seed = 3 });

        Assert.Equal(["E", "A/Nbar^alpha", "B/Dbar^beta", "alpha", "beta"], check.Names);
        Assert.Contains(check.Warnings, w => w.StartsWith("A/Nbar^alpha and alpha are not separately identified", StringComparison.Ordinal) || w.StartsWith("E and alpha are not separately identified", StringComparison.Ordinal));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(1.0, check.Correlation[(i * 5) + i], 1e-12);
        }
    }

    [Fact]
    public void Fixing_e_removes_it_from_the_check()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.01, 5);
        var constraints = new ChinchillaConstraints { FixedE = 1.8 };
        var fit = ConstrainedChinchillaFitter.Fit(runs, SyntheticRuns.SmallGrid, constraints);
        var check = ConstrainedChinchillaFitter.Identify(runs, fit, constraints, new BootstrapOptions { Resamples = 30, Seed = 3 });

        Assert.Equal(["A/Nbar^alpha", "B/Dbar^beta", "alpha", "beta"], check.Names);
        Assert.True(check.Bootstrap["E"].StandardError < 1e-12); // exp(log 1.8) in every resample: zero up to rounding
        Assert.Equal(1.8, check.Bootstrap["E"].Lower, 1e-12);
    }

    [SharedFact]
    public void Epoch_data_bootstrap_matches_the_plain_bootstrap_and_flags_the_lockstep_pairs_as_documented()
    {
        // Same seed, same starts, same streams: the intervals equal Bootstrap.Run's; the correlations are those in docs/scaling.md.
        var path = SharedFiles.PathOf("validation", "chinchilla_epoch_svg_extracted_data.csv");
        var all = RunRecordReader.Read(path, new RunColumnMap { Parameters = "Model Size", Flops = "Training FLOP", Loss = "loss" });
        var runs = all.OrderBy(r => r.Loss).ThenBy(r => r.Row).Take(all.Count - 5).OrderBy(r => r.Row).ToList();
        var fit = ChinchillaFitter.Fit(runs, new FitOptions());
        var options = new BootstrapOptions { Resamples = 200, Seed = 0 };
        var check = ConstrainedChinchillaFitter.Identify(runs, fit, new ChinchillaConstraints(), options);
        var plain = Bootstrap.Run(runs, fit, options);

        Assert.Equal(plain.Intervals, check.Bootstrap.Intervals);
        Assert.InRange(check.Correlation[(1 * 5) + 3], -1, -0.95); // A/Nbar^alpha with alpha
        Assert.InRange(check.Correlation[(2 * 5) + 4], -1, -0.95); // B/Dbar^beta with beta
    }
}
