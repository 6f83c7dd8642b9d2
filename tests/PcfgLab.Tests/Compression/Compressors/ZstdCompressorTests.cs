using System.Text;
using PcfgLab.Compression.Compressors;
using ZstdSharp;

namespace PcfgLab.Tests.Compression.Compressors;

public class ZstdCompressorTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a grammar of nouns and verbs; ", 60)));

    [Theory]
    [InlineData(1)]
    [InlineData(19)]
    [InlineData(22)]
    public void Its_own_output_is_a_frame_that_decompresses_to_the_input(int level)
    {
        using var compressor = new ZstdCompressor(level);
        var size = compressor.CompressedSize(Text);
        var output = compressor.LastOutput.ToArray();

        // Zstandard frame magic number 0xFD2FB528, little-endian.
        Assert.Equal([0x28, 0xB5, 0x2F, 0xFD], output.AsSpan(0, 4).ToArray());
        using var decompressor = new Decompressor();
        Assert.Equal(Text, decompressor.Unwrap(output.AsSpan(0, size)).ToArray());
    }

    [Fact]
    public void A_second_larger_input_grows_the_buffer_and_still_round_trips()
    {
        using var compressor = new ZstdCompressor(3);
        compressor.CompressedSize(Text);
        var large = new byte[20_000];
        new Random(9).NextBytes(large);
        var size = compressor.CompressedSize(large);
        var output = compressor.LastOutput.ToArray();

        using var decompressor = new Decompressor();
        Assert.Equal(large, decompressor.Unwrap(output.AsSpan(0, size)).ToArray());
    }

    [Fact]
    public void Constant_document_compresses_far_below_a_random_one()
    {
        var (constant, random) = CompressorOutput.ConstantAndRandomTokens(1024, seed: 11);
        using var compressor = new ZstdCompressor();

        // One repeated token: a few dozen bytes of frame and sequences out of 4 KiB (well under 1%). Random
        // 32-bit tokens are stored raw: 1 plus the frame and block headers, a fraction of a percent.
        Assert.InRange(compressor.RatioOfTokens(constant), 0.0, 0.01);
        Assert.InRange(compressor.RatioOfTokens(random), 1.0, 1.01);
    }

    [Theory]
    [InlineData(1, "zstd1")]
    [InlineData(22, "zstd22")]
    [InlineData(19, "zstd")]
    public void Name_is_zstd_and_the_level_unless_it_is_the_default(int level, string expected)
    {
        using var compressor = new ZstdCompressor(level);
        Assert.Equal(expected, compressor.Name);
        Assert.Equal(expected, CompressorNames.Create(expected).Name);
    }

    [Fact]
    public void Default_level_is_19_and_zstd19_parses_to_the_plain_name()
    {
        Assert.Equal(19, ZstdCompressor.DefaultLevel);
        Assert.Equal("zstd", CompressorNames.Create("zstd19").Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(23)]
    public void Levels_outside_1_to_22_are_rejected(int level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZstdCompressor(level));
}
