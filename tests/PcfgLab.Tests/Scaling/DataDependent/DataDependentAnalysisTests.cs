using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class DataDependentAnalysisTests
{
    private static readonly DataDependentAnalysisOptions Options = new() { Resamples = 100, Seed = 9, Reference = ReferenceLaws.Besiroglu2024 };

    [Fact]
    public void Slope_intervals_cover_the_true_slopes()
    {
        var truth = DataDependentRuns.TrueLaw;
        var runs = DataDependentRuns.Draw(truth, 0.01, 3);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        var analysis = DataDependentAnalysis.Run(runs, fit, Options with { ResampleDatasets = false });

        Assert.Equal(100, analysis.Resamples);
        Assert.Equal(9, analysis.StartsPerResample);
        Assert.Equal(["E", "A", "B", "alpha", "beta"], analysis.Lines.Select(l => l.Name));
        var misses = 0;
        for (var q = 0; q < 5; q++)
        {
            var line = analysis.Lines[q];
            var expected = truth.Lines[q].Slope;
            Assert.True(line.SlopeLower <= line.Slope && line.Slope <= line.SlopeUpper, line.ToString());

            // Estimate +- 4 standard errors covers the truth unless the errors are badly wrong (chance below 1e-4 each).
            Assert.InRange(expected, line.Slope - (4 * line.SlopeStandardError), line.Slope + (4 * line.SlopeStandardError));
            misses += expected < line.SlopeLower || expected > line.SlopeUpper ? 1 : 0;
        }

        // Each 95% interval misses with probability about 5%, and the slopes are correlated: allow one miss in five.
        Assert.InRange(misses, 0, 1);
        Assert.True(analysis.Lines[3].SharePositive > 0.95, analysis.Lines[3].ToString()); // alpha rises with H in the truth
        Assert.True(analysis.Lines[4].SharePositive < 0.05, analysis.Lines[4].ToString()); // beta falls with H
    }

    [Fact]
    public void Crossing_of_a_noise_free_law_is_the_closed_form_root()
    {
        // a(H) = beta/(alpha + beta) equals a_ref where beta (1 - a_ref) = a_ref alpha: with the true lines
        // (0.4 - 0.2H)(1 - a) = a (0.3 + 0.1H), so H = (0.4 (1 - a) - 0.3 a) / (0.2 (1 - a) + 0.1 a).
        var truth = DataDependentRuns.TrueLaw;
        var runs = DataDependentRuns.Draw(truth, 0, 1);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        var analysis = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 0 });

        var a = ReferenceLaws.Besiroglu2024.ParameterAllocationExponent;
        var expected = ((0.4 * (1 - a)) - (0.3 * a)) / ((0.2 * (1 - a)) + (0.1 * a));
        Assert.Equal(expected, analysis.AllocationCrossing.Estimate!.Value, 1e-5);
        Assert.Equal(a, analysis.AllocationCrossing.ReferenceValue);
        Assert.True(double.IsNaN(analysis.AllocationCrossing.Lower));
        Assert.Empty(analysis.Correlation);
        Assert.Empty(analysis.Warnings);

        // The band's point estimates are the law's own frontier.
        var middle = analysis.Band[5];
        Assert.Equal(0.5, middle.H, 1e-12);
        var p = truth.At(0.5);
        Assert.Equal(new ComputeOptimalFrontier(p).TokensPerParameter(1e21), middle.TokensPerParameter, 1e-3 * middle.TokensPerParameter);
    }

    [Fact]
    public void Bootstrap_is_identical_for_any_thread_count()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 4);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        // Identity, not coverage: 8 resamples are enough to spread over three threads.
        var one = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 8, MaxDegreeOfParallelism = 1 });
        var three = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 8, MaxDegreeOfParallelism = 3 });

        Assert.Equal(one.Lines, three.Lines);
        Assert.Equal(one.Band, three.Band);
        Assert.Equal(one.AllocationCrossing, three.AllocationCrossing);
        Assert.Equal(one.Correlation, three.Correlation);
        Assert.True(one.ResampledDatasets);
    }

    [Fact]
    public void Resampling_whole_datasets_widens_the_slope_intervals()
    {
        // Runs within datasets only: the datasets' H are fixed. Whole datasets as well: the spread of the lines
        // across datasets enters too, so with noisy per-dataset laws the interval can only be as wide or wider
        // in expectation; on this draw alpha's is clearly wider.
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 3);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        // 20 resamples, not 100: alpha's slope standard errors are then 0.063 against 0.019 (50 give 0.056 against 0.017).
        var within = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 20, ResampleDatasets = false });
        var whole = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 20 });

        Assert.True(whole.Lines[3].SlopeStandardError > within.Lines[3].SlopeStandardError, $"{whole.Lines[3]} vs {within.Lines[3]}");
    }

    [Fact]
    public void Correlation_matrix_is_symmetric_with_a_unit_diagonal()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 4);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        var analysis = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 40 });

        var p = analysis.ParameterNames.Count;
        Assert.Equal(10, p);
        Assert.Equal("alpha(H=0.1)", analysis.ParameterNames[6]);
        for (var i = 0; i < p; i++)
        {
            Assert.Equal(1.0, analysis.Correlation[(i * p) + i], 1e-12);
            for (var j = 0; j < p; j++)
            {
                Assert.Equal(analysis.Correlation[(i * p) + j], analysis.Correlation[(j * p) + i], 1e-12);
            }
        }

        // On this design (five sizes over three decades) no pair moves in lockstep once A and B are read as their
        // terms at the runs' mean N and D (the largest |r| is 0.972, beta at H = 0.6 with its term).
        Assert.Empty(analysis.Warnings);
        Assert.Equal("log B/Dbar^beta(H=0.6)", analysis.ParameterNames[5]);
        Assert.Equal(-0.972, Math.Round(analysis.Correlation[(5 * p) + 9], 3));
    }

    [Fact]
    public void One_resample_is_a_one_line_error()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0, 1);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);

        var ex = Assert.Throws<UserInputException>(() => DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 1 }));
        Assert.Equal("Resamples 1: use 0 (none) or at least 2 resamples", ex.Message);
    }

    [Fact]
    public void Two_model_sizes_per_dataset_leave_the_parameter_terms_unidentified_and_say_so()
    {
        // With two sizes, E, A and alpha are three unknowns from two N per dataset: the bootstrap finds pairs in lockstep.
        // 12 resamples suffice: the lockstep is exact (-1.000), and 12, 20 and 40 give the same warnings.
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 4, sizes: 2, tokenCounts: 6);
        var fit = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        var analysis = DataDependentAnalysis.Run(runs, fit, Options with { Resamples = 12 });

        var warning = Assert.Single(analysis.Warnings, w => w.First == "log A/Nbar^alpha(H=0.1)" && w.Second == "alpha(H=0.1)");
        Assert.True(warning.Correlation < -0.99, warning.Message);
        Assert.StartsWith("log A/Nbar^alpha(H=0.1) and alpha(H=0.1) are not separately identified: across resamples they trade off against each other (correlation -1.000)", warning.Message, StringComparison.Ordinal);

        // The data terms (B and beta, six token counts) stay identified.
        Assert.DoesNotContain(analysis.Warnings, w => w.First.StartsWith("log B", StringComparison.Ordinal) && w.Second.StartsWith("beta", StringComparison.Ordinal));
    }
}
