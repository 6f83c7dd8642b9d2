namespace PcfgLab.Tests.Base;

public sealed class CountFormatTests
{
    [Theory]
    [InlineData("500k", 500_000L)]
    [InlineData("10M", 10_000_000L)]
    [InlineData("1B", 1_000_000_000L)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("2T", 2_000_000_000_000L)]
    [InlineData("1.5M", 1_500_000L)]
    [InlineData("1e6", 1_000_000L)]
    [InlineData("256", 256L)]
    [InlineData(" 100K ", 100_000L)]
    [InlineData("1_000", 1_000L)]
    public void Parses_counts_with_metric_suffixes(string text, long expected)
    {
        Assert.Equal(expected, CountFormat.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("10X")]
    [InlineData("1e30")]
    [InlineData("NaN")]
    public void Rejects_what_is_not_a_whole_count_with_a_one_line_message(string text)
    {
        var ex = Assert.Throws<UserInputException>(() => CountFormat.Parse(text, "--tokens"));
        Assert.StartsWith("--tokens '", ex.Message, StringComparison.Ordinal);
        Assert.Contains("500k, 10M, 1B", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(1.5e6, "1.5M")]
    [InlineData(100_000, "100k")]
    [InlineData(3e9, "3B")]
    [InlineData(2e12, "2T")]
    [InlineData(999, "999")]
    public void Formats_short_human_counts(double value, string expected)
    {
        Assert.Equal(expected, CountFormat.Format(value));
    }
}
