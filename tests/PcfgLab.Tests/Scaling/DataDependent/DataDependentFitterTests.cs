using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class DataDependentFitterTests
{
    [Fact]
    public void Noise_free_runs_give_back_every_line()
    {
        var truth = DataDependentRuns.TrueLaw;
        var fit = DataDependentFitter.Fit(DataDependentRuns.Draw(truth, 0, 1), new DataDependentFitOptions());

        Assert.True(fit.Converged);
        Assert.Equal(150, fit.Runs);
        Assert.Equal(0.1, fit.HLow);
        Assert.Equal(0.6, fit.HHigh);
        Assert.Equal(6, fit.Datasets.Count);
        Assert.True(fit.Objective < 1e-12, fit.Objective.ToString("R"));
        for (var q = 0; q < 5; q++)
        {
            var expected = truth.Lines[q];
            var actual = fit.Law.Lines[q];
            var scale = Math.Max(1, Math.Abs(expected.Intercept));
            Assert.InRange(actual.Slope, expected.Slope - (1e-4 * scale), expected.Slope + (1e-4 * scale));
            Assert.InRange(actual.Intercept, expected.Intercept - (1e-4 * scale), expected.Intercept + (1e-4 * scale));
        }

        // The two-step procedure is exact on noise-free data too: every dataset's own fit lies on the lines.
        Assert.NotNull(fit.TwoStep);
        Assert.Equal(0.1, fit.TwoStep!.Alpha.Slope, 1e-4);
        Assert.Equal(-0.2, fit.TwoStep.Beta.Slope, 1e-4);
    }

    [Fact]
    public void Log_linear_variant_gives_back_a_log_linear_law()
    {
        var truth = new JointLaw(new(2, 1), new(-1, 6), new(2, 7), new(0.1, 0.3), new(-0.2, 0.4), true);
        var fit = DataDependentFitter.Fit(DataDependentRuns.Draw(truth, 0, 1), DataDependentRuns.SmallGrid with { LogLinearCoefficients = true });

        Assert.True(fit.Law.LogLinearCoefficients);
        Assert.Equal(["E", "log A", "log B", "alpha", "beta"], fit.Law.ReportedLineNames);
        for (var q = 0; q < 5; q++)
        {
            Assert.Equal(truth.Lines[q].Slope, fit.Law.Lines[q].Slope, 1e-4);
            Assert.Equal(truth.Lines[q].Intercept, fit.Law.Lines[q].Intercept, 1e-4);
        }
    }

    [Fact]
    public void One_percent_noise_is_recovered_within_stated_tolerances()
    {
        // 150 runs, 1% log-normal noise, seed 3. Over 20 noise draws of this design (seeds 1-20, this grid) the fitted
        // slopes had SD 0.021 (alpha), 0.0095 (beta), 0.089 (E), the intercept of E 0.027, and the mean relative error
        // was 0.0076 (SD 0.0006): the tolerances are about 4.5 SD.
        var truth = DataDependentRuns.TrueLaw;
        var fit = DataDependentFitter.Fit(DataDependentRuns.Draw(truth, 0.01, 3), DataDependentRuns.SmallGrid);

        Assert.True(fit.Converged);
        Assert.InRange(fit.Law.Alpha.Slope, 0.1 - 0.1, 0.1 + 0.1);
        Assert.InRange(fit.Law.Beta.Slope, -0.2 - 0.04, -0.2 + 0.04);
        Assert.InRange(fit.Law.E.Slope, 2 - 0.4, 2 + 0.4);
        Assert.InRange(fit.Law.E.Intercept, 1 - 0.12, 1 + 0.12);
        Assert.InRange(fit.MeanRelativeError, 0.005, 0.0103);
    }

    [Fact]
    public void Result_does_not_depend_on_the_thread_count()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.01, 4);
        var one = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid with { MaxDegreeOfParallelism = 1 });
        var three = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid with { MaxDegreeOfParallelism = 3 });

        Assert.Equal(one.Objective, three.Objective);
        Assert.Equal(one.BestStart, three.BestStart);
        Assert.Equal(one.Law, three.Law);
    }

    [Fact]
    public void The_same_runs_in_any_order_give_the_same_fit_to_the_last_bit()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.02, 6);
        var shuffled = runs.ToArray();
        new Random(9).Shuffle(shuffled);

        // As read from a file with its lines reordered: the rows are numbered in the new order.
        shuffled = [.. shuffled.Select((r, i) => r with { Row = i + 1 })];
        Assert.NotEqual(runs.Select(r => (r.Parameters, r.Tokens)), shuffled.Select(r => (r.Parameters, r.Tokens)));

        var inOrder = DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid);
        var reordered = DataDependentFitter.Fit(shuffled, DataDependentRuns.SmallGrid);

        Assert.Equal(inOrder.Objective, reordered.Objective);
        Assert.Equal(inOrder.Law, reordered.Law);
    }

    [Fact]
    public void The_joint_optimum_is_no_worse_than_the_two_step_law()
    {
        var fit = DataDependentFitter.Fit(DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0.02, 5), DataDependentRuns.SmallGrid);

        Assert.True(fit.Objective <= fit.TwoStepObjective, $"{fit.Objective} vs {fit.TwoStepObjective}");
    }

    [Fact]
    public void A_run_without_compressibility_is_a_one_line_error()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0, 1);
        runs[7] = runs[7] with { Compressibility = null };

        var ex = Assert.Throws<UserInputException>(() => DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid));
        Assert.Equal("run at data row 8 (dataset 'h0.1') has no compressibility H; the data-dependent form needs H on every run (Compressibility COLUMN)", ex.Message);
    }

    [Fact]
    public void One_compressibility_only_is_a_one_line_error()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0, 1).Select(r => r with { Compressibility = 0.3 }).ToList();

        var ex = Assert.Throws<UserInputException>(() => DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid));
        Assert.Equal("every dataset has the same compressibility H = 0.3; the data-dependent fit needs datasets of at least two different H", ex.Message);
    }

    [Fact]
    public void Too_few_runs_is_a_one_line_error()
    {
        var runs = DataDependentRuns.Draw(DataDependentRuns.TrueLaw, 0, 1).Take(10).ToList();

        var ex = Assert.Throws<UserInputException>(() => DataDependentFitter.Fit(runs, DataDependentRuns.SmallGrid));
        Assert.Equal("the input has 10 usable runs; the data-dependent fit has 10 parameters and needs more runs than that", ex.Message);
    }

    [Fact]
    public void Cpu_grid_runs_give_the_documented_joint_fit()
    {
        // The 96 real CPU runs of six datasets committed in results/ (docs/scaling.md quotes this fit).
        var path = Path.Combine(TestSupport.SharedFiles.RepositoryRoot, "results", "cpu-grid.jsonl");
        var runs = RunRecordReader.Read(path, RunColumnMap.Default);
        var fit = DataDependentFitter.Fit(runs, new DataDependentFitOptions());

        Assert.Equal(96, fit.Runs);
        Assert.True(fit.Converged);
        Assert.Equal(0.010147, Math.Round(fit.Objective, 6));
        Assert.Equal(-0.953, Math.Round(fit.Law.E.Slope, 3));
        Assert.Equal(0.218, Math.Round(fit.Law.Beta.Slope, 3));
        Assert.True(fit.Objective < fit.TwoStepObjective);
    }
}
