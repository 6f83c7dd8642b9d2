using PcfgLab.Floor;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Floor;

public sealed class PairedFloorTests
{
    // S -> S S [0.3] | a [0.5] | b [0.2]; tokens: 0 the separator, 1 a, 2 b.
    private static PrefixGrammar Catalan() => PrefixGrammar.Build(CompiledGrammar.Renormalised(FloorGrammars.Catalan()));

    [Fact]
    public void Each_documents_floor_is_its_exact_ideal_loss_over_positions_2_to_L()
    {
        // After one leaf the sentence ends with probability 0.7, else S -> S S put a second leaf there: a with 5/7, b
        // with 2/7. A sentence starts with a with probability 5/7 (the leftmost leaf), b with 2/7.
        int[][] documents = [[1, 0], [1, 1], [2, 2], [1, 0, 2]];
        var floor = PairedFloor.Measure(Catalan(), [3, 8, 9, 20], documents);

        double[] expected =
        [
            -Math.Log(0.7),
            -Math.Log(0.3 * 5 / 7),
            -Math.Log(0.3 * 2 / 7),
            (-Math.Log(0.7) - Math.Log(2.0 / 7)) / 2,
        ];
        Assert.Equal([3L, 8, 9, 20], floor.Documents);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], floor.Losses[i], 12);
        }

        var mean = expected.Average();
        Assert.Equal(mean, floor.MeanNats, 12);
        var sd = Math.Sqrt(expected.Sum(x => (x - mean) * (x - mean)) / 3);
        Assert.Equal(sd / 2, floor.StandardError, 12);
        Assert.True(floor.TryGetLoss(9, out var nine));
        Assert.Equal(expected[2], nine, 12);
        Assert.False(floor.TryGetLoss(10, out _));
    }

    [Fact]
    public void The_floor_of_documents_0_to_n_is_the_loss_floor_estimate_for_any_thread_count()
    {
        var grammar = Catalan();
        const int Documents = 300;
        var sampler = new DocumentSampler(grammar.Compiled, 7, 24);
        var tokens = new int[Documents][];
        for (var d = 0; d < Documents; d++)
        {
            tokens[d] = new int[24];
            sampler.SampleDocument(d, tokens[d]);
        }

        var indices = Enumerable.Range(0, Documents).Select(i => (long)i).ToArray();
        var one = PairedFloor.Measure(grammar, indices, tokens, threads: 1);
        var three = PairedFloor.Measure(grammar, indices, tokens, threads: 3);
        var estimate = LossFloor.Estimate(grammar, 7, 24, Documents);

        Assert.Equal(one.Losses, three.Losses);
        Assert.Equal(estimate.MeanNats, one.MeanNats, 12);
        Assert.Equal(estimate.StandardError, one.StandardError, 12);
    }

    [Fact]
    public void The_paired_excess_is_the_mean_difference_with_the_differences_standard_error()
    {
        // Differences 0.5, 1.0, 0.5 (the third document has no run loss): mean 2/3, sd sqrt(1/12), se 1/6.
        var excess = PairedFloor.Excess([1.0, 2.0, null, 4.0], [0.5, 1.0, 3.0, 3.5]);

        Assert.Equal(3, excess.Documents);
        Assert.Equal(2.0 / 3, excess.Mean, 14);
        Assert.Equal(1.0 / 6, excess.StandardError, 14);
        Assert.Equal(7.0 / 3, excess.RunMean, 14);
        Assert.Equal(5.0 / 3, excess.FloorMean, 14);
        Assert.Equal((2.0 / 3) - (1.959963984540054 / 6), excess.Lower95, 14);
        Assert.False(excess.IsBelow);
    }

    [Fact]
    public void Pairing_sees_a_small_excess_that_the_spread_between_documents_hides()
    {
        // Documents whose floors differ by whole nats, a run 0.01 below the floor on each: the paired excess is -0.01
        // with a tiny error (below the floor), while the two means' own errors are about 0.6 each.
        double[] floor = [1.0, 2.0, 3.0, 4.0, 1.5, 2.5];
        double?[] run = [.. floor.Select((f, i) => (double?)(f - 0.01 - (0.001 * (i % 2))))];
        var excess = PairedFloor.Excess(run, floor);

        Assert.Equal(-0.0105, excess.Mean, 12);
        Assert.True(excess.StandardError < 0.001);
        Assert.True(excess.IsBelow);
    }

    [Fact]
    public void Run_and_floor_losses_must_be_of_the_same_documents()
    {
        Assert.Throws<ArgumentException>(() => PairedFloor.Excess([1.0], [1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => PairedFloor.Measure(Catalan(), [2, 1], [[1, 0], [1, 0]]));
        Assert.Throws<ArgumentException>(() => PairedFloor.Measure(Catalan(), [1], [[1, 0], [1, 0]]));
    }

    [Fact]
    public void No_pair_gives_no_excess()
    {
        var excess = PairedFloor.Excess([null], [1.0]);
        Assert.Equal(0, excess.Documents);
        Assert.True(double.IsNaN(excess.Mean));
        Assert.False(excess.IsBelow);
    }
}
