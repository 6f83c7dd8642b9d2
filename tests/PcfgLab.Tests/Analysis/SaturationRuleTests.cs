using PcfgLab.Analysis;
using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Analysis;

public sealed class SaturationRuleTests
{
    [Fact]
    public void A_dataset_whose_runs_all_sit_within_the_margin_of_the_floor_is_a_control()
    {
        var floor = RunExcessTests.Floor([1.0, 1.2, 1.0, 1.0]);
        var runs = new[] { RunExcessTests.Paired([1.01, 1.22, 1.02, 1.01]), RunExcessTests.Paired([1.04, 1.25, 1.04, 1.03]) };

        var why = SaturationRule.Saturated(RunExcessTests.Dataset(runs, floor));

        Assert.Equal("saturated control: all 2 runs are within 0.05 nats of the floor (largest excess 0.0400): reported, not fitted", why);
    }

    [Fact]
    public void One_run_beyond_the_margin_makes_it_fittable()
    {
        var floor = RunExcessTests.Floor([1.0, 1.2, 1.0, 1.0]);
        var runs = new[] { RunExcessTests.Paired([1.01, 1.22, 1.02, 1.01]), RunExcessTests.Paired([1.06, 1.26, 1.06, 1.05]) };

        Assert.Null(SaturationRule.Saturated(RunExcessTests.Dataset(runs, floor)));
    }

    [Fact]
    public void Synthetic_runs_and_datasets_without_a_floor_are_never_controls()
    {
        var synthetic = new TrainingRecord { CellId = "s", Dataset = "d", Device = TrainingRecord.SyntheticDevice, Parameters = 10, Tokens = 10, FinalValidLoss = 1.0 };
        Assert.Null(SaturationRule.Saturated(RunExcessTests.Dataset([synthetic])));

        var run = RunExcessTests.Paired([1.0]);
        Assert.Null(SaturationRule.Saturated(new DatasetResults("d", 0.4, null, null, [run], null, null)));
    }
}
