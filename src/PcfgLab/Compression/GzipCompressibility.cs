using System.Buffers.Binary;
using System.IO.Compression;

namespace PcfgLab.Compression;

/// <summary>
/// The study's compressibility of one document (data_utils.calculate_gzipability): tokens as 4-byte big-endian
/// signed integers, gzip at level 9, ratio = compressed bytes (10-byte header and 8-byte trailer included) / raw
/// bytes. .NET's zlib-ng at level 9 gives Python's sizes on documents of this size (the reference README
/// measured 70,322 of 70,326 equal); level 6 (<c>Optimal</c>) would be wrong for this measure. On raw text zlib-ng
/// and Python's classic zlib differ by a few bytes in some windows: <see cref="DeflateImplementation.Zlib"/> gives
/// Python's sizes byte for byte (see <see cref="ClassicZlib"/>).
/// Instances reuse their buffers and are not thread-safe: use one per thread.
/// </summary>
public sealed class GzipCompressibility
{
    /// <summary>The deflate level of the study's measure.</summary>
    public const int StudyLevel = 9;

    private readonly int _level;
    private readonly MemoryStream _compressed = new();
    private readonly ClassicZlib? _zlib;
    private byte[] _raw = new byte[4096];

    /// <summary>Creates a measure at the given deflate level (9, the study's, by default) with the given deflate.</summary>
    /// <exception cref="UserInputException"><paramref name="deflate"/> is classic zlib and <c>libz.so.1</c> cannot be loaded.</exception>
    public GzipCompressibility(int level = StudyLevel, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        _level = level;
        Deflate = deflate;
        _zlib = deflate switch
        {
            DeflateImplementation.ZlibNg => null,
            DeflateImplementation.Zlib => new ClassicZlib(level),
            _ => throw new ArgumentOutOfRangeException(nameof(deflate), deflate, "unknown deflate implementation"),
        };
    }

    /// <summary>The deflate level in use.</summary>
    public int Level => _level;

    /// <summary>The deflate implementation in use.</summary>
    public DeflateImplementation Deflate { get; }

    /// <summary>Gzip size in bytes of <paramref name="tokens"/> written as 4-byte big-endian ints.</summary>
    public int CompressedSize(ReadOnlySpan<int> tokens)
    {
        var byteCount = tokens.Length * 4;
        if (_raw.Length < byteCount)
        {
            _raw = new byte[Math.Max(byteCount, _raw.Length * 2)];
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(_raw.AsSpan(i * 4, 4), tokens[i]);
        }

        return CompressedSizeOfBytes(_raw.AsSpan(0, byteCount));
    }

    /// <summary>Gzip size in bytes of raw <paramref name="bytes"/> (the study's "raw string" variant).</summary>
    public int CompressedSizeOfBytes(ReadOnlySpan<byte> bytes)
    {
        if (_zlib is not null)
        {
            return _zlib.GzipSize(bytes);
        }

        if (bytes.IsEmpty)
        {
            // GZipStream writes nothing at all when nothing is written to it; a gzip member of no data is 20 bytes
            // (header, the empty final block 03 00, trailer), as Python's gzip.compress(b'') and classic zlib give.
            return ClassicZlib.GzipOverhead + 2;
        }

        _compressed.SetLength(0);
        using (var gzip = new GZipStream(_compressed, new ZLibCompressionOptions { CompressionLevel = _level }, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return (int)_compressed.Length;
    }

    /// <summary>The gzip bytes of the last measurement, for round-trip checks (zlib-ng only: classic zlib only counts).</summary>
    internal ReadOnlySpan<byte> LastCompressed => _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);

    /// <summary>Compressed size / raw size of <paramref name="tokens"/> as 4-byte ints; NaN for an empty document.</summary>
    public double Ratio(ReadOnlySpan<int> tokens) =>
        tokens.IsEmpty ? double.NaN : (double)CompressedSize(tokens) / (tokens.Length * 4);

    /// <summary>Compressed size / raw size of raw bytes; NaN when empty.</summary>
    public double RatioOfBytes(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? double.NaN : (double)CompressedSizeOfBytes(bytes) / bytes.Length;
}
