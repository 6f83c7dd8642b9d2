using System.Globalization;
using System.IO.Compression;

namespace PcfgLab.Compression.Compressors;

/// <summary>Brotli (built into .NET) at a quality 0..11 and a 4 MiB window; <c>brotli</c> means quality 11.</summary>
internal sealed class BrotliCompressor : DocumentCompressor
{
    /// <summary>Quality used when the name has no number.</summary>
    public const int DefaultQuality = 11;

    private const int WindowBits = 22;
    private readonly int _quality;
    private byte[] _output = new byte[4096];
    private int _written;

    /// <summary>Creates a Brotli compressor at quality 0..11.</summary>
    public BrotliCompressor(int quality = DefaultQuality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 11);
        _quality = quality;
        Name = quality == DefaultQuality ? "brotli" : "brotli" + quality.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override int CompressedSize(ReadOnlySpan<byte> bytes)
    {
        var bound = BrotliEncoder.GetMaxCompressedLength(bytes.Length);
        if (_output.Length < bound)
        {
            _output = new byte[bound];
        }

        if (!BrotliEncoder.TryCompress(bytes, _output, out var written, _quality, WindowBits))
        {
            throw new InvalidOperationException("Brotli could not compress into a buffer of its own maximum size.");
        }

        _written = written;
        return written;
    }

    /// <summary>The bytes of the last compression, for round-trip checks.</summary>
    internal ReadOnlySpan<byte> LastOutput => _output.AsSpan(0, _written);
}
