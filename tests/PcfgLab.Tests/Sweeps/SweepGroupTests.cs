using PcfgLab.Sweeps;

namespace PcfgLab.Tests.Sweeps;

public sealed class SweepGroupTests
{
    [Theory]
    [InlineData(100_000, 2)] // 390 documents: 195 steps at batch 2, the smallest allowed
    [InlineData(200_000, 3)] // 781 documents: 261 steps at 3, 196 at 4
    [InlineData(250_000, 4)] // 976: 244 at 4, 196 at 5
    [InlineData(400_000, 7)] // 1562: 224 at 7, 196 at 8
    [InlineData(800_000, 8)]
    [InlineData(16_000_000, 8)]
    public void BatchRule_takes_the_largest_batch_that_keeps_200_steps(long tokens, int expected)
    {
        Assert.Equal(expected, new BatchRule(2, 8, 200).For(tokens, 256));
    }

    [Theory]
    [InlineData(0, 8, 200)]
    [InlineData(4, 2, 200)]
    [InlineData(2, 8, 0)]
    public void BatchRule_out_of_range_is_refused(int min, int max, int steps)
    {
        var ex = Assert.Throws<UserInputException>(() => new BatchRule(min, max, steps).Validate());
        Assert.Contains("1 <= min <= max", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scan_with_a_factor_that_is_not_positive_is_refused()
    {
        var ex = Assert.Throws<UserInputException>(() => new LearningRateScan { Factors = [1, 0], Tokens = [1000] }.Validate());
        Assert.Equal("learning-rate scan factor 0 is not a positive number.", ex.Message);
    }

    [Fact]
    public void A_group_without_a_dataset_is_refused()
    {
        var ex = Assert.Throws<UserInputException>(() => new SweepGroup { Shapes = [new(4, 8, 1, 1)], Tokens = [1000] }.Validate());
        Assert.Contains("at least one dataset", ex.Message, StringComparison.Ordinal);
    }
}
