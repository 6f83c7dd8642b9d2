using PcfgLab.Analysis;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Analysis;

public sealed class StudyComparisonsTests
{
    // E and alpha are lines in H; A, B and beta are not: the joint fit must find both slopes without noise.
    private static double Loss(double h, double n, double d) =>
        1.0 + (2.0 * h) + (400 / Math.Pow(n, 0.3 + (0.2 * h))) + (600 / Math.Pow(d, 0.35));

    private static StudyDataset Dataset(double h)
    {
        var records = new List<TrainingRecord>();
        foreach (var n in new long[] { 1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000 })
        {
            foreach (var d in new long[] { 10_000_000, 20_000_000, 40_000_000, 80_000_000, 160_000_000 })
            {
                records.Add(new TrainingRecord { CellId = $"h{h}-{n}-{d}", Dataset = $"h{h}", Parameters = n, Tokens = d, FinalValidLoss = Loss(h, n, d), Device = "cpu" });
            }
        }

        return new StudyDataset($"h{h}", h, records);
    }

    [Fact]
    public void The_coarse_joint_grid_searches_16_starts_and_still_recovers_the_law()
    {
        var full = StudyComparisons.Run([Dataset(0.2), Dataset(0.4), Dataset(0.6)], resamples: 0, seed: 1).Joint!;
        var coarse = StudyComparisons.Run([Dataset(0.2), Dataset(0.4), Dataset(0.6)], resamples: 0, seed: 1, jointFit: PcfgLab.Analysis.ScalingAnalysis.CoarseJointGrid).Joint!;

        // The grid's starts plus the two-step starts (linear and log-space regressions of the datasets' own fits).
        Assert.Equal(full.Fit.Starts - 2187 + 16, coarse.Fit.Starts);
        Assert.Equal(0.2, coarse.CompareWithTwoStep().Single(s => s.Name == "alpha").JointSlope, 0.01);
    }

    [Fact]
    public void Run_fits_the_joint_law_beside_the_two_step_one_and_compares_the_approaches()
    {
        var comparison = StudyComparisons.Run([Dataset(0.2), Dataset(0.4), Dataset(0.6)], resamples: 0, seed: 1);

        Assert.Null(comparison.JointProblem);
        var joint = Assert.IsType<PcfgLab.Scaling.DataDependentFitDocument>(comparison.Joint);
        Assert.Equal(75, joint.Fit.Runs);
        Assert.Equal(5, comparison.Slopes.Count);
        // Noise-free data: the joint slopes are the law's (tolerances allow for the optimiser's stopping rule).
        Assert.Equal(2.0, comparison.Slopes.Single(s => s.Name == "E").JointSlope, 0.05);
        Assert.Equal(0.2, comparison.Slopes.Single(s => s.Name == "alpha").JointSlope, 0.01);
        Assert.Equal(0.0, comparison.Slopes.Single(s => s.Name == "beta").JointSlope, 0.01);

        Assert.Equal(["h0.2", "h0.4", "h0.6"], comparison.Allocation.Select(r => r.Dataset));
        foreach (var row in comparison.Allocation)
        {
            Assert.NotNull(row.Approach1.Missing); // no per-step curves in these records
            var h = row.Compressibility!.Value;
            Assert.Equal(0.35 / (0.3 + (0.2 * h) + 0.35), row.Approach3.Value, 0.01); // a = beta / (alpha + beta)
        }
    }

    [Fact]
    public void A_dataset_the_report_does_not_fit_gets_its_reason_for_every_approach_and_stays_out_of_the_joint_fit()
    {
        const string Reason = "saturated control: all 25 runs are within 0.05 nats of the floor (largest excess 0.0015): reported, not fitted";
        var control = Dataset(0.1) with { NotFitted = Reason };

        var comparison = StudyComparisons.Run([Dataset(0.2), control, Dataset(0.4), Dataset(0.6)], resamples: 0, seed: 1);

        Assert.Equal(["h0.1", "h0.2", "h0.4", "h0.6"], comparison.Allocation.Select(r => r.Dataset));
        var row = comparison.Allocation[0];
        Assert.Equal(0.1, row.Compressibility);
        Assert.All(new[] { row.Approach1, row.Approach2, row.Approach3 }, e =>
        {
            Assert.Equal(Reason, e.Missing);
            Assert.True(double.IsNaN(e.Value));
        });
        Assert.Equal(75, comparison.Joint!.Fit.Runs); // the three fitted datasets' runs only
        Assert.DoesNotContain("h0.1", comparison.Joint.Fit.Datasets.Select(d => d.Name));
    }

    [Fact]
    public void The_two_step_regression_and_Approach_3_use_the_reports_own_fits()
    {
        // Laws the report fitted (deliberately not what a refit of the runs would find): the joint section's two-step
        // slopes and Approach 3 must be these, so no quantity has two values in one report.
        var given = new[] { 0.2, 0.4, 0.6 }.Select(h => Dataset(h) with
        {
            Fit = new LawFit(new PcfgLab.Scaling.ChinchillaParameters(1 + h, 100, 200, 0.5 + (10 * h), 0.4))
            {
                Intervals = [new PcfgLab.Scaling.ParameterInterval("a", 0, 0, 0.11, 0.22)],
            },
        }).ToArray();

        var comparison = StudyComparisons.Run(given, resamples: 0, seed: 1);

        Assert.Equal(1.0, comparison.Slopes.Single(s => s.Name == "E").TwoStepSlope, 1e-9);
        Assert.Equal(10.0, comparison.Slopes.Single(s => s.Name == "alpha").TwoStepSlope, 1e-9);
        Assert.Equal(0.0, comparison.Slopes.Single(s => s.Name == "beta").TwoStepSlope, 1e-9);
        foreach (var (row, dataset) in comparison.Allocation.Zip(given))
        {
            Assert.Equal(dataset.Fit!.Parameters.ParameterAllocationExponent, row.Approach3.Value);
            Assert.Equal((0.11, 0.22), (row.Approach3.Lower, row.Approach3.Upper));
        }
    }

    [Fact]
    public void Approach_2_follows_the_isoflop_commands_rule_and_says_why_it_does_not_apply()
    {
        // A grid of shapes by token budgets: no two runs share a compute budget C, so `pcfglab isoflop` refuses
        // these runs without --bin-width; the report must not show a number for them either.
        var records = new List<TrainingRecord>();
        foreach (var n in new long[] { 1_000_000, 2_300_000, 5_100_000, 11_700_000 })
        {
            foreach (var d in new long[] { 10_000_000, 30_000_000, 100_000_000 })
            {
                records.Add(new TrainingRecord { CellId = $"{n}-{d}", Dataset = "grid", Parameters = n, Tokens = d, FinalValidLoss = Loss(0.4, n, d), Device = "cpu" });
            }
        }

        var comparison = StudyComparisons.Run([new StudyDataset("grid", 0.4, records)], resamples: 0, seed: 1);

        var row = Assert.Single(comparison.Allocation);
        Assert.True(double.IsNaN(row.Approach2.Value));
        Assert.StartsWith("an IsoFLOP fit needs at least two budgets with a minimum; found 0 of 12 (1 distinct model size", row.Approach2.Missing, StringComparison.Ordinal);
        Assert.EndsWith("; if the runs' C are not shared budgets, bin them with `pcfglab isoflop --bin-width`", row.Approach2.Missing, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_with_one_H_says_why_there_is_no_joint_fit()
    {
        var comparison = StudyComparisons.Run([Dataset(0.4)], resamples: 0, seed: 1);

        Assert.Null(comparison.Joint);
        Assert.Contains("two datasets with different H", comparison.JointProblem, StringComparison.Ordinal);
        Assert.Single(comparison.Allocation);
    }
}
