using System.IO.Compression;
using PcfgLab.Compression;
using PcfgLab.Compression.Compressors;
using ZstdSharp;

namespace PcfgLab.Tests.Compression.Compressors;

public class CompressorNamesTests
{
    private static readonly byte[] Text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 40)));

    [Fact]
    public void ParseList_puts_gzip9_first_and_keeps_each_name_once()
    {
        var list = CompressorNames.ParseList(["gzip6,brotli", "zstd, gzip9", "gzip1", "gzip"]);
        Assert.Equal(["gzip9", "gzip6", "brotli", "zstd", "gzip1"], list.Select(c => c.Name));
    }

    [Theory]
    [InlineData("brotli5", "brotli5")]
    [InlineData("zstd3", "zstd3")]
    [InlineData("GZIP0", "gzip0")]
    public void Create_accepts_levels(string name, string expected) =>
        Assert.Equal(expected, CompressorNames.Create(name).Name);

    [Theory]
    [InlineData("lzma")]
    [InlineData("gzip10")]
    [InlineData("zstd0")]
    [InlineData("brotli12")]
    public void Create_rejects_unknown_names_with_a_user_error(string name)
    {
        var error = Assert.Throws<UserInputException>(() => CompressorNames.Create(name));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_compressor_gives_the_study_measure()
    {
        int[] tokens = [.. Enumerable.Range(0, 256).Select(i => (i * 7) % 50)];
        var expected = new GzipCompressibility().Ratio(tokens);
        Assert.Equal(expected, new GzipCompressor(9).RatioOfTokens(tokens));
    }

    [Fact]
    public void Brotli_output_decompresses_to_the_input_and_is_smaller_for_repetitive_text()
    {
        var compressor = new BrotliCompressor();
        var size = compressor.CompressedSize(Text);
        Assert.True(size < Text.Length / 5, $"brotli size {size} of {Text.Length}");

        var compressed = new byte[BrotliEncoder.GetMaxCompressedLength(Text.Length)];
        Assert.True(BrotliEncoder.TryCompress(Text, compressed, out var written, 11, 22));
        Assert.Equal(size, written);
        var back = new byte[Text.Length];
        Assert.True(BrotliDecoder.TryDecompress(compressed.AsSpan(0, written), back, out var read));
        Assert.Equal(Text, back.AsSpan(0, read).ToArray());
    }

    [Fact]
    public void Zstd_size_is_that_of_a_frame_that_decompresses_to_the_input()
    {
        using var compressor = new ZstdCompressor();
        var size = compressor.CompressedSize(Text);
        using var reference = new Compressor(ZstdCompressor.DefaultLevel);
        var frame = reference.Wrap(Text).ToArray();
        Assert.Equal(frame.Length, size);
        using var decompressor = new Decompressor();
        Assert.Equal(Text, decompressor.Unwrap(frame).ToArray());
    }

    [Fact]
    public void Random_bytes_do_not_compress_and_ratios_exceed_one()
    {
        var random = new byte[4096];
        new Random(5).NextBytes(random);
        foreach (var compressor in CompressorNames.ParseList(["gzip1,gzip6,brotli,zstd"]))
        {
            // Incompressible input costs each format its framing: the ratio is just above 1.
            var ratio = compressor.Ratio(random);
            Assert.InRange(ratio, 1.0, 1.07);
        }
    }
}
