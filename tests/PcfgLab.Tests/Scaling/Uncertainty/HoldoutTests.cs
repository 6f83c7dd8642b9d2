using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public sealed class HoldoutTests
{
    [Fact]
    public void Fit_below_the_cut_predicts_the_runs_above_it()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0.005, 8, sizes: 6, tokenCounts: 6);
        var result = Holdout.Run(runs, HoldoutCut.Parameters, 1e9, SyntheticRuns.SmallGrid);

        // Sizes 1e7 .. 1e10 in six log steps: four of them (24 runs) are at or below 1e9.
        Assert.Equal(24, result.Fit.Runs);
        Assert.Equal(12, result.HeldOut.Runs);

        // The law is the same above the cut: held-out error stays near the 0.5% noise.
        Assert.True(result.HeldOut.MeanRelativeError < 0.02, result.HeldOut.ToString());
    }

    [Fact]
    public void Cut_above_every_run_is_an_error()
    {
        var runs = SyntheticRuns.Grid(SyntheticRuns.TrueLaw.Loss, 0, 1, sizes: 3, tokenCounts: 3);
        Assert.Equal("HoldoutAboveFlops 1E+30 holds out no run; choose a lower cut",
            Assert.Throws<UserInputException>(() => Holdout.Run(runs, HoldoutCut.Flops, 1e30, SyntheticRuns.SmallGrid)).Message);
    }
}
