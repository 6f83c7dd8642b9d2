using System.IO.Compression;
using System.Text;
using PcfgLab.Compression;
using PcfgLab.Compression.Compressors;

namespace PcfgLab.Tests.Compression.Compressors;

public class GzipCompressorTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a grammar of nouns and verbs; ", 60)));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(9)]
    public void Its_own_output_is_a_gzip_stream_that_decompresses_to_the_input(int level)
    {
        var compressor = new GzipCompressor(level);
        var size = compressor.CompressedSize(Text);

        var compressed = compressor.LastOutput.ToArray();
        Assert.Equal(size, compressed.Length);
        Assert.Equal([0x1f, 0x8b], compressed.AsSpan(0, 2).ToArray());

        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var back = new MemoryStream();
        input.CopyTo(back);
        Assert.Equal(Text, back.ToArray());
    }

    [Fact]
    public void Level_0_stores_the_input_with_exact_framing()
    {
        // Stored deflate: 10-byte gzip header, one 5-byte stored-block header (input < 64 KiB), 8-byte trailer.
        Assert.Equal(Text.Length + 10 + 5 + 8, new GzipCompressor(0).CompressedSize(Text));
    }

    [Fact]
    public void Constant_document_compresses_far_below_a_random_one()
    {
        var (constant, random) = CompressorOutput.ConstantAndRandomTokens(1024, seed: 11);
        var compressor = new GzipCompressor();
        var constantRatio = compressor.RatioOfTokens(constant);
        var randomRatio = compressor.RatioOfTokens(random);

        // 4 KiB of one repeated 4-byte token is a few back-references (well under 2%); random 32-bit tokens
        // cannot shrink, so their ratio is at least 1 minus at most a few percent of lucky matches.
        Assert.InRange(constantRatio, 0.0, 0.02);
        Assert.InRange(randomRatio, 0.97, 1.05);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    public void Size_equals_GzipCompressibility_on_the_same_tokens(int level)
    {
        var tokens = new int[2048];
        var rng = new Random(3);
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = rng.Next(0, 30);
        }

        var bytes = new byte[tokens.Length * 4];
        DocumentCompressor.WriteBigEndian(tokens, bytes);
        var measure = new GzipCompressibility(level);
        var compressor = new GzipCompressor(level);

        Assert.Equal(measure.CompressedSize(tokens), compressor.CompressedSize(bytes));
        Assert.Equal(measure.Ratio(tokens), compressor.RatioOfTokens(tokens));
    }

    [Theory]
    [InlineData(0, "gzip0")]
    [InlineData(5, "gzip5")]
    [InlineData(9, "gzip9")]
    public void Name_is_gzip_with_its_level_as_CompressorNames_parses_it(int level, string expected)
    {
        Assert.Equal(expected, new GzipCompressor(level).Name);
        Assert.Equal(expected, CompressorNames.Create(expected).Name);
    }

    [Fact]
    public void Default_is_the_study_level_and_the_headline_name()
    {
        Assert.Equal(CompressorNames.Headline, new GzipCompressor().Name);
        Assert.Equal("gzip9", CompressorNames.Create("gzip").Name);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Levels_outside_0_to_9_are_rejected(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GzipCompressor(level));

    [Fact]
    public void Empty_input_has_a_NaN_ratio()
    {
        Assert.True(double.IsNaN(new GzipCompressor().Ratio([])));
        Assert.True(double.IsNaN(new GzipCompressor().RatioOfTokens([])));
    }
}
