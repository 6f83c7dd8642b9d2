using System.IO.Compression;
using System.Text;
using PcfgLab.Compression.Compressors;

namespace PcfgLab.Tests.Compression.Compressors;

public class BrotliCompressorTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a grammar of nouns and verbs; ", 60)));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(11)]
    public void Its_own_output_decompresses_to_the_input(int quality)
    {
        var compressor = new BrotliCompressor(quality);
        var size = compressor.CompressedSize(Text);
        var output = compressor.LastOutput.ToArray();

        var back = new byte[Text.Length + 1];
        Assert.True(BrotliDecoder.TryDecompress(output.AsSpan(0, size), back, out var written));
        Assert.Equal(Text, back.AsSpan(0, written).ToArray());
    }

    [Fact]
    public void A_second_larger_input_grows_the_buffer_and_still_round_trips()
    {
        var compressor = new BrotliCompressor(1);
        compressor.CompressedSize(Text);
        var large = new byte[20_000];
        new Random(9).NextBytes(large);
        var size = compressor.CompressedSize(large);
        var output = compressor.LastOutput.ToArray();

        var back = new byte[large.Length];
        Assert.True(BrotliDecoder.TryDecompress(output.AsSpan(0, size), back, out var written));
        Assert.Equal(large.Length, written);
        Assert.Equal(large, back);
    }

    [Fact]
    public void Window_of_4_MiB_finds_a_repeat_2_MiB_back()
    {
        // 2 MiB of random bytes twice: the second copy is one long back-reference 2 MiB away, inside the 4 MiB
        // window (22 bits), so the size is the first copy plus a little: ratio 0.5 plus under 2% of framing.
        // A window of 1 MiB or less would miss it and give about 1.0.
        var half = new byte[2 << 20];
        new Random(21).NextBytes(half);
        var doubled = new byte[half.Length * 2];
        half.CopyTo(doubled, 0);
        half.CopyTo(doubled, half.Length);

        Assert.InRange(new BrotliCompressor(5).Ratio(doubled), 0.5, 0.51);
    }

    [Fact]
    public void Constant_document_compresses_far_below_a_random_one()
    {
        var (constant, random) = CompressorOutput.ConstantAndRandomTokens(1024, seed: 11);
        var compressor = new BrotliCompressor();

        // One repeated token: a handful of bytes out of 4 KiB. Random 32-bit tokens: incompressible, so the
        // ratio is 1 plus Brotli's few bytes of framing (an uncompressed meta-block), never far below 1.
        Assert.InRange(compressor.RatioOfTokens(constant), 0.0, 0.01);
        Assert.InRange(compressor.RatioOfTokens(random), 0.99, 1.02);
    }

    [Theory]
    [InlineData(0, "brotli0")]
    [InlineData(10, "brotli10")]
    [InlineData(11, "brotli")]
    public void Name_is_brotli_and_the_quality_unless_it_is_the_default(int quality, string expected)
    {
        Assert.Equal(expected, new BrotliCompressor(quality).Name);
        Assert.Equal(expected, CompressorNames.Create(expected).Name);
    }

    [Fact]
    public void Default_quality_is_11_and_brotli11_parses_to_the_plain_name()
    {
        Assert.Equal(11, BrotliCompressor.DefaultQuality);
        Assert.Equal("brotli", new BrotliCompressor().Name);
        Assert.Equal("brotli", CompressorNames.Create("brotli11").Name);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(12)]
    public void Qualities_outside_0_to_11_are_rejected(int quality) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BrotliCompressor(quality));
}
