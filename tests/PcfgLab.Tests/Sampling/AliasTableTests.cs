using MathNet.Numerics.Distributions;
using PcfgLab.Sampling;

namespace PcfgLab.Tests.Sampling;

public sealed class AliasTableTests
{
    [Fact]
    public void Table_probabilities_equal_the_normalised_weights()
    {
        double[] weights = [1, 2, 3, 4, 0, 10, 0.5];
        var table = new AliasTable(weights);
        var total = 20.5;
        for (var i = 0; i < weights.Length; i++)
        {
            // The thresholds are rounded to 2^-64 per column, far below 1e-12.
            Assert.Equal(weights[i] / total, table.Probability(i), 12);
        }
    }

    [Fact]
    public void Draw_frequencies_pass_a_chi_square_test()
    {
        double[] weights = [1, 2, 3, 4, 10, 0.5, 7];
        var table = new AliasTable(weights);
        var counts = new long[weights.Length];
        var rng = new Xoshiro256StarStar(123);
        const int Draws = 500_000;
        for (var i = 0; i < Draws; i++)
        {
            counts[table.Sample(ref rng)]++;
        }

        var total = 27.5;
        var chiSquare = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            var expected = Draws * weights[i] / total;
            chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
        }

        // 6 degrees of freedom; a correct sampler exceeds the 1 - 1e-6 quantile (about 35.9) once in a million seeds.
        Assert.True(chiSquare < ChiSquared.InvCDF(6, 1 - 1e-6), $"chi-square {chiSquare}");
    }

    [Fact]
    public void One_outcome_is_always_drawn()
    {
        var table = new AliasTable([0.3]);
        foreach (var r in new ulong[] { 0, 1, 12345, ulong.MaxValue / 2, ulong.MaxValue - 1, ulong.MaxValue })
        {
            Assert.Equal(0, table.Sample(r));
        }
    }

    [Fact]
    public void Zero_probability_outcomes_are_never_drawn()
    {
        double[] weights = [0, 1, 0, 3, 0, 1e-300, 0];
        var table = new AliasTable(weights);
        Assert.Equal(0.0, table.Probability(0));
        Assert.Equal(0.0, table.Probability(2));
        Assert.Equal(0.0, table.Probability(4));
        Assert.Equal(0.0, table.Probability(6));

        // Both ends of every column's range of random numbers, then many random draws.
        for (ulong column = 0; column < (ulong)weights.Length; column++)
        {
            var first = (ulong)(((UInt128)column << 64) / (ulong)weights.Length);
            foreach (var r in new[] { first, first + 1, first == 0 ? ulong.MaxValue : first - 1 })
            {
                Assert.True(weights[table.Sample(r)] > 0);
            }
        }

        var rng = new Xoshiro256StarStar(5);
        for (var i = 0; i < 200_000; i++)
        {
            Assert.True(weights[table.Sample(ref rng)] > 0);
        }
    }

    [Fact]
    public void Flat_build_offsets_aliases_for_shared_arrays()
    {
        var thresholds = new ulong[10];
        var aliases = new int[10];
        AliasTable.Build([1, 0, 5], thresholds.AsSpan(4, 3), aliases.AsSpan(4, 3), 4);
        Assert.Equal(0UL, thresholds[5]);
        Assert.InRange(aliases[5], 4, 6);
        Assert.NotEqual(5, aliases[5]);
        Assert.Equal(0UL, thresholds[0]);
        Assert.Equal(0, aliases[9]);
    }

    [Theory]
    [InlineData(new double[0])]
    [InlineData(new double[] { 0, 0 })]
    [InlineData(new double[] { 1, -1 })]
    [InlineData(new double[] { 1, double.NaN })]
    [InlineData(new double[] { 1, double.PositiveInfinity })]
    public void Invalid_weights_are_refused(double[] weights)
    {
        Assert.Throws<ArgumentException>(() => new AliasTable(weights));
    }
}
