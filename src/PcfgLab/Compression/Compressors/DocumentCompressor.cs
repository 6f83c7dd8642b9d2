using System.Buffers.Binary;

namespace PcfgLab.Compression.Compressors;

/// <summary>
/// A compressor that measures one window (document) at a time: compressed size / raw size, with each format's
/// own header and trailer counted, as the study counts gzip's. Instances keep buffers and are not thread-safe.
/// </summary>
internal abstract class DocumentCompressor
{
    private byte[] _tokenBytes = new byte[1024];

    /// <summary>Name in tables and JSON, for example <c>gzip9</c>, <c>brotli</c>, <c>zstd</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Compressed size in bytes of <paramref name="bytes"/>.</summary>
    public abstract int CompressedSize(ReadOnlySpan<byte> bytes);

    /// <summary>Compressed size / raw size of <paramref name="bytes"/>; NaN when empty.</summary>
    public double Ratio(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? double.NaN : (double)CompressedSize(bytes) / bytes.Length;

    /// <summary>Ratio of <paramref name="tokens"/> written as 4-byte big-endian ints (the study's layout).</summary>
    public double RatioOfTokens(ReadOnlySpan<int> tokens)
    {
        var count = tokens.Length * 4;
        if (_tokenBytes.Length < count)
        {
            _tokenBytes = new byte[count];
        }

        WriteBigEndian(tokens, _tokenBytes);
        return Ratio(_tokenBytes.AsSpan(0, count));
    }

    /// <summary>Writes <paramref name="tokens"/> as 4-byte big-endian ints into <paramref name="destination"/>.</summary>
    public static void WriteBigEndian(ReadOnlySpan<int> tokens, Span<byte> destination)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination.Slice(i * 4, 4), tokens[i]);
        }
    }
}
