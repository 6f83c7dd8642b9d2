using System.Text.Json;
using PcfgLab.Generation;
using PcfgLab.Storage;

namespace PcfgLab.Tests.Base;

public sealed class SeedTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L)]
    [InlineData("-1", -1L)]
    [InlineData("+7", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Parses_every_whole_number_a_long_holds(string text, long value)
    {
        Assert.Equal(new Seed(value), Seed.Parse(text));
        Assert.True(Seed.TryParse(text, out var seed));
        Assert.Equal(value, seed.Value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData(" 1")]
    [InlineData("1_000")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public void Refuses_anything_else_with_one_line_naming_the_range(string text)
    {
        var error = Assert.Throws<UserInputException>(() => Seed.Parse(text));

        Assert.Equal($"Seed must be a whole number from -9223372036854775808 to 9223372036854775807, got '{text}'.", error.Message);
        Assert.Equal(["Seed"], error.Parameters);
        Assert.False(Seed.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(1L, 1UL)]
    [InlineData(long.MaxValue, 9223372036854775807UL)]
    [InlineData(-1L, 18446744073709551615UL)]
    [InlineData(-2L, 18446744073709551614UL)]
    [InlineData(long.MinValue, 9223372036854775808UL)]
    public void The_streams_take_the_same_64_bits_as_the_old_unchecked_conversion(long value, ulong streams)
    {
        Assert.Equal(streams, new Seed(value).ForStreams);
        Assert.Equal(unchecked((ulong)value), new Seed(value).ForStreams);
    }

    [Theory]
    [InlineData(-7L, "-7")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    public void Json_is_the_plain_integer_both_ways(long value, string json)
    {
        Assert.Equal(json, JsonSerializer.Serialize(new Seed(value)));
        Assert.Equal(new Seed(value), JsonSerializer.Deserialize<Seed>(json));
    }

    [Fact]
    public void Records_write_it_as_a_plain_number_and_read_it_back()
    {
        var entry = new DialCandidateEntry("(2,10,2,2)", new Seed(-3), 0.25, "ok");

        var json = JsonSerializer.Serialize(entry, JsonConvention.Document());

        Assert.Equal("{\n  \"spec\": \"(2,10,2,2)\",\n  \"seed\": -3,\n  \"median\": 0.25,\n  \"status\": \"ok\"\n}", json.ReplaceLineEndings("\n"));
        Assert.Equal(entry, JsonSerializer.Deserialize<DialCandidateEntry>(json, JsonConvention.Document()));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Seed>("\"3\""));
    }

    [Fact]
    public void Shows_the_plain_invariant_number()
    {
        Assert.Equal("-42", new Seed(-42).ToString());
        Assert.Equal("1", new GrammarSource().Seed.ToString());
    }

    [Fact]
    public void Negative_seeds_are_refused_where_a_grammar_or_dataset_is_made_naming_the_parameter()
    {
        new Seed(0).ThrowIfNegative("Seed");

        var error = Assert.Throws<UserInputException>(() => new Seed(-5).ThrowIfNegative("Seed"));

        Assert.Equal("Seed must be zero or positive, got -5.", error.Message);
        Assert.Equal(["Seed"], error.Parameters);
    }
}
