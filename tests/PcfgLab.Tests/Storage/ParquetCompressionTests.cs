using PcfgLab.Storage;

namespace PcfgLab.Tests.Storage;

public sealed class ParquetCompressionTests
{
    [Theory]
    [InlineData("snappy", ParquetCodec.Snappy, "snappy", "snappy")]
    [InlineData(" SNAPPY ", ParquetCodec.Snappy, "snappy", "snappy")]
    [InlineData("zstd", ParquetCodec.Zstd, "zstd", "zstd-3")]
    [InlineData("Zstd", ParquetCodec.Zstd, "zstd", "zstd-3")]
    [InlineData("none", ParquetCodec.None, "none", "none")]
    [InlineData("uncompressed", ParquetCodec.None, "none", "none")]
    public void Parse_knows_the_codecs_by_name(string text, ParquetCodec codec, string name, string description)
    {
        var parsed = ParquetCompression.Parse(text);
        Assert.Equal(codec, parsed.Codec);
        Assert.Equal(ParquetCompression.DefaultZstdLevel, parsed.ZstdLevel);
        Assert.Equal(name, parsed.CodecName);
        Assert.Equal(description, parsed.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(19)]
    public void Zstd_levels_1_3_and_19_are_accepted_and_mapped(int level)
    {
        var parsed = ParquetCompression.Parse("zstd", level);
        Assert.Equal(new ParquetCompression(ParquetCodec.Zstd, level), parsed);
        Assert.Equal("zstd-" + level.ToString(System.Globalization.CultureInfo.InvariantCulture), parsed.ToString());
        using var encoder = new TokenColumnEncoder(parsed);
        Assert.Equal(6, encoder.CodecId); // parquet.thrift CompressionCodec.ZSTD
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(18)]
    [InlineData(22)]
    [InlineData(-1)]
    public void Other_zstd_levels_are_refused_in_one_line(int level)
    {
        var error = Assert.Throws<UserInputException>(() => ParquetCompression.Parse("zstd", level));
        Assert.Equal(
            $"ZstdLevel {level.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not available: Parquet.Net writes Zstandard at levels 1, 3 or 19 only.",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);

        // The same check guards a value built without Parse.
        Assert.Throws<UserInputException>(() => new ParquetCompression(ParquetCodec.Zstd, level).Validate());
    }

    [Theory]
    [InlineData("snappy")]
    [InlineData("none")]
    public void The_level_is_ignored_for_codecs_other_than_zstd(string codec)
    {
        var parsed = ParquetCompression.Parse(codec, 7);
        Assert.Equal(7, parsed.ZstdLevel);
        Assert.Equal(codec, parsed.ToString());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("")]
    [InlineData("zstd-3")]
    public void Unknown_codecs_are_refused_in_one_line(string codec)
    {
        var error = Assert.Throws<UserInputException>(() => ParquetCompression.Parse(codec));
        Assert.Equal($"codec '{codec}' is not known: use snappy, zstd or none.", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_default_is_snappy_and_maps_to_the_snappy_method()
    {
        Assert.Equal(ParquetCodec.Snappy, ParquetCompression.Default.Codec);
        using var snappy = new TokenColumnEncoder(ParquetCompression.Default);
        using var none = new TokenColumnEncoder(ParquetCompression.Parse("none"));
        Assert.Equal(1, snappy.CodecId); // parquet.thrift CompressionCodec.SNAPPY
        Assert.Equal(0, none.CodecId); // UNCOMPRESSED
        Assert.Throws<ArgumentNullException>(() => ParquetCompression.Parse(null!));
    }
}
