using PcfgLab.Scaling;

namespace PcfgLab.Tests.Scaling;

public class ScalingFitPipelineTests
{
    [Fact]
    public void The_same_runs_in_any_order_give_the_same_fit_and_intervals_to_the_last_bit()
    {
        var law = SyntheticRuns.TrueLaw;
        var runs = SyntheticRuns.Grid(law.Loss, sigma: 0.02, seed: 3, sizes: 6, tokenCounts: 6);
        var shuffled = runs.ToArray();
        new Random(11).Shuffle(shuffled);
        Assert.NotEqual(runs.Select(r => r.Row), shuffled.Select(r => r.Row));
        var request = new FitRequest { Fit = SyntheticRuns.SmallGrid, BootstrapResamples = 20, Seed = 5 };

        var inOrder = ScalingFitPipeline.FitDataset("d", runs, null, request);
        var reordered = ScalingFitPipeline.FitDataset("d", shuffled, null, request);

        Assert.Equal(inOrder.Chinchilla!.Parameters, reordered.Chinchilla!.Parameters);
        Assert.Equal(inOrder.Chinchilla.Objective, reordered.Chinchilla.Objective);
        Assert.Equal(inOrder.Bootstrap!.Intervals, reordered.Bootstrap!.Intervals);
    }

    [Fact]
    public void Canonical_order_is_by_parameters_then_tokens_then_loss_and_keeps_the_input_order_of_ties()
    {
        FitRun Run(double n, double d, double loss, int row) => new("d", n, d, loss, null, 6 * n * d, row);
        FitRun[] runs = [Run(2, 1, 3.0, 1), Run(1, 2, 3.0, 2), Run(1, 1, 4.0, 3), Run(1, 1, 3.0, 4), Run(1, 1, 3.0, 5)];

        var ordered = ScalingFitPipeline.InCanonicalOrder(runs);

        Assert.Equal([4, 5, 3, 2, 1], ordered.Select(r => r.Row));
    }
}
