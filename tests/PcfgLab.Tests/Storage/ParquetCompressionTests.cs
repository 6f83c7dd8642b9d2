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
    [InlineData(1, Parquet.CompressionMethod.Zstd, System.IO.Compression.CompressionLevel.Fastest)]
    [InlineData(3, Parquet.CompressionMethod.Zstd, System.IO.Compression.CompressionLevel.Optimal)]
    [InlineData(19, Parquet.CompressionMethod.Zstd, System.IO.Compression.CompressionLevel.SmallestSize)]
    public void Zstd_levels_1_3_and_19_are_accepted_and_mapped(int level, Parquet.CompressionMethod method, System.IO.Compression.CompressionLevel mapped)
    {
        var parsed = ParquetCompression.Parse("zstd", level);
        Assert.Equal(new ParquetCompression(ParquetCodec.Zstd, level), parsed);
        Assert.Equal("zstd-" + level.ToString(System.Globalization.CultureInfo.InvariantCulture), parsed.ToString());
        var options = parsed.ToParquetOptions();
        Assert.Equal(method, options.CompressionMethod);
        Assert.Equal(mapped, options.CompressionLevel);
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
            $"--zstd-level {level.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not available: Parquet.Net writes Zstandard at levels 1, 3 or 19 only.",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);

        // The same check guards a value built without Parse.
        Assert.Throws<UserInputException>(() => new ParquetCompression(ParquetCodec.Zstd, level).Validate());
        Assert.Throws<UserInputException>(() => new ParquetCompression(ParquetCodec.Zstd, level).ToParquetOptions());
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
        Assert.Equal($"--codec '{codec}' is not known: use snappy, zstd or none.", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_default_is_snappy_and_maps_to_the_snappy_method()
    {
        Assert.Equal(ParquetCodec.Snappy, ParquetCompression.Default.Codec);
        Assert.Equal(Parquet.CompressionMethod.Snappy, ParquetCompression.Default.ToParquetOptions().CompressionMethod);
        Assert.Equal(Parquet.CompressionMethod.None, ParquetCompression.Parse("none").ToParquetOptions().CompressionMethod);
        Assert.Throws<ArgumentNullException>(() => ParquetCompression.Parse(null!));
    }
}
