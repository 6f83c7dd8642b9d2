using System.Globalization;

namespace PcfgLab.Compression.Compressors;

/// <summary>Gzip at a deflate level through <see cref="GzipCompressibility"/> (level 9 is the study's measure).</summary>
internal sealed class GzipCompressor : DocumentCompressor
{
    private readonly GzipCompressibility _gzip;

    /// <summary>Creates a gzip compressor at deflate level 0..9 with the given deflate implementation.</summary>
    public GzipCompressor(int level = GzipCompressibility.StudyLevel, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        _gzip = new GzipCompressibility(level, deflate);
        Name = "gzip" + level.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The deflate implementation in use.</summary>
    public DeflateImplementation Deflate => _gzip.Deflate;

    /// <inheritdoc/>
    public override int CompressedSize(ReadOnlySpan<byte> bytes) => _gzip.CompressedSizeOfBytes(bytes);

    /// <summary>The bytes of the last compression, for round-trip checks.</summary>
    internal ReadOnlySpan<byte> LastOutput => _gzip.LastCompressed;
}
