using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling.Optimization;

public sealed class ScreenedMultiStartTests
{
    /// <summary>
    /// f(x) = 1 + 0.01 (x - 5)^2 - 1.5 exp(-x^2 / 0.02): a broad shallow well at 5 (f about 1) and a narrow deep one at
    /// 0 (f = -0.25). Screened without iterations, a start at 0.3 on the narrow well's flank (f = 1.204) looks worse
    /// than the grid starts in the broad well.
    /// </summary>
    private sealed class TwoWells() : HuberLogObjective([0.0], 1e-3)
    {
        public override int Dimension => 1;

        public override double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            var x = theta[0];
            var narrow = 1.5 * Math.Exp(-x * x / 0.02);
            gradient[0] = (0.02 * (x - 5)) + (narrow * 2 * x / 0.02);
            return 1 + (0.01 * (x - 5) * (x - 5)) - narrow;
        }

        public override double LogPrediction(ReadOnlySpan<double> theta, int run) => 0;
    }

    private static readonly double[] Starts = [4.0, 5.0, 6.0, 0.3];

    [Fact]
    public void Without_it_the_informed_start_is_screened_out_and_the_shallow_well_wins()
    {
        var result = ScreenedMultiStart.Minimize(new TwoWells(), Starts, cappedIterations: 0, finalists: 2, maxDegreeOfParallelism: 1);

        Assert.Equal(5.0, result.Theta[0], 3);
        Assert.NotEqual(3, result.BestStart);
    }

    [Fact]
    public void An_informed_start_always_runs_to_convergence_and_finds_the_deep_well()
    {
        var result = ScreenedMultiStart.Minimize(new TwoWells(), Starts, cappedIterations: 0, finalists: 2, maxDegreeOfParallelism: 1, alwaysFinal: 1);

        Assert.Equal(0.0, result.Theta[0], 2);
        Assert.Equal(-0.25, result.Objective, 2);
        Assert.Equal(3, result.BestStart);
        Assert.Equal(4, result.Starts);
    }
}
