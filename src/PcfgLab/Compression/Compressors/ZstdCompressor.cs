using System.Globalization;
using ZstdSharp;

namespace PcfgLab.Compression.Compressors;

/// <summary>Zstandard (ZstdSharp.Port) at a level 1..22; <c>zstd</c> means level 19, its strongest ordinary level.</summary>
internal sealed class ZstdCompressor : DocumentCompressor, IDisposable
{
    /// <summary>Level used when the name has no number.</summary>
    public const int DefaultLevel = 19;

    private readonly Compressor _compressor;
    private byte[] _output = new byte[4096];
    private int _written;

    /// <summary>Creates a zstd compressor at level 1..22.</summary>
    public ZstdCompressor(int level = DefaultLevel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 22);
        _compressor = new Compressor(level);
        Name = level == DefaultLevel ? "zstd" : "zstd" + level.ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override int CompressedSize(ReadOnlySpan<byte> bytes)
    {
        var bound = Compressor.GetCompressBound(bytes.Length);
        if (_output.Length < bound)
        {
            _output = new byte[bound];
        }

        _written = _compressor.Wrap(bytes, _output);
        return _written;
    }

    /// <summary>The bytes of the last compression, for round-trip checks.</summary>
    internal ReadOnlySpan<byte> LastOutput => _output.AsSpan(0, _written);

    /// <summary>Frees the native-style context.</summary>
    public void Dispose() => _compressor.Dispose();
}
