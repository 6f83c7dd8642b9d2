using System.Runtime.InteropServices;

namespace PcfgLab.Compression;

/// <summary>
/// Gzip sizes from classic zlib (the system's <c>libz.so.1</c>, loaded at run time), as Python's
/// <c>gzip.compress(data, compresslevel)</c> makes them: a 10-byte header, a raw deflate stream (window bits -15,
/// memory level 8, default strategy, exactly what CPython's <c>zlib.compress(data, level, wbits=-15)</c> uses) and
/// an 8-byte trailer (CRC-32 and length). Only sizes are needed, so the header and trailer are counted, not written.
/// One deflate stream is kept and reset between documents (no allocation per document). Not thread-safe.
/// </summary>
public sealed unsafe class ClassicZlib : IDisposable
{
    /// <summary>The library CPython links on Linux.</summary>
    public const string DefaultLibrary = "libz.so.1";

    /// <summary>Gzip header (10 bytes, no file name, as Python writes it) plus trailer (8 bytes).</summary>
    public const int GzipOverhead = 18;

    private const int ZOk = 0;
    private const int ZStreamEnd = 1;
    private const int ZFinish = 4;
    private const int ZDeflated = 8;
    private const int RawWindowBits = -15;
    private const int DefaultMemLevel = 8;
    private const int DefaultStrategy = 0;

    private readonly nint _library;
    private readonly string _libraryName;
    private readonly delegate* unmanaged<ZStream*, int, int, int, int, int, byte*, int, int> _deflateInit2;
    private readonly delegate* unmanaged<ZStream*, int, int> _deflate;
    private readonly delegate* unmanaged<ZStream*, int> _deflateReset;
    private readonly delegate* unmanaged<ZStream*, int> _deflateEnd;
    private readonly delegate* unmanaged<ZStream*, CULong, CULong> _deflateBound;

    // zlib keeps a pointer back to its z_stream (deflateStateCheck compares it), so the struct lives in native
    // memory that never moves.
    private ZStream* _stream;
    private byte[] _output = new byte[4096];

    /// <summary>Opens classic zlib and starts a deflate stream at <paramref name="level"/> (0..9).</summary>
    /// <exception cref="UserInputException">The library cannot be loaded or is not zlib.</exception>
    public ClassicZlib(int level, string library = DefaultLibrary)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        ArgumentNullException.ThrowIfNull(library);
        _libraryName = library;
        if (!NativeLibrary.TryLoad(library, out _library))
        {
            throw UserInputException.ForParameters($"{new Parameter("deflate")} zlib needs classic zlib ('{library}'), which could not be loaded: install it (Debian: apt-get install zlib1g) or use {new Parameter("deflate")} zlib-ng.");
        }

        try
        {
            _deflateInit2 = (delegate* unmanaged<ZStream*, int, int, int, int, int, byte*, int, int>)Export("deflateInit2_");
            _deflate = (delegate* unmanaged<ZStream*, int, int>)Export("deflate");
            _deflateReset = (delegate* unmanaged<ZStream*, int>)Export("deflateReset");
            _deflateEnd = (delegate* unmanaged<ZStream*, int>)Export("deflateEnd");
            _deflateBound = (delegate* unmanaged<ZStream*, CULong, CULong>)Export("deflateBound");
            var zlibVersion = (delegate* unmanaged<byte*>)Export("zlibVersion");
            var version = zlibVersion();
            Version = Marshal.PtrToStringAnsi((nint)version) ?? "unknown";
            _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
            var result = _deflateInit2(_stream, level, ZDeflated, RawWindowBits, DefaultMemLevel, DefaultStrategy, version, sizeof(ZStream));
            if (result != ZOk)
            {
                throw UserInputException.ForParameters($"{new Parameter("deflate")} zlib: deflateInit2 of '{library}' (zlib {Version}) failed with code {result}; use {new Parameter("deflate")} zlib-ng.");
            }
        }
        catch
        {
            Free();
            throw;
        }

        Level = level;
    }

    /// <summary>Releases the native stream if <see cref="Dispose"/> was not called.</summary>
    ~ClassicZlib() => Free();

    /// <summary>The deflate level.</summary>
    public int Level { get; }

    /// <summary>zlib's own version string, for example <c>1.2.13</c>.</summary>
    public string Version { get; }

    /// <summary>Size in bytes of Python's <c>gzip.compress(bytes, level)</c>.</summary>
    public int GzipSize(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        var bound = (int)Math.Min(_deflateBound(_stream, new CULong((nuint)bytes.Length)).Value, int.MaxValue);
        if (_output.Length < bound)
        {
            _output = new byte[Math.Max(bound, _output.Length * 2)];
        }

        Check(_deflateReset(_stream), "deflateReset");
        fixed (byte* input = bytes)
        fixed (byte* output = _output)
        {
            _stream->NextIn = input;
            _stream->AvailIn = (uint)bytes.Length;
            _stream->NextOut = output;
            _stream->AvailOut = (uint)_output.Length;
            // The output buffer holds deflateBound bytes, so one call with Z_FINISH always ends the stream.
            var result = _deflate(_stream, ZFinish);
            if (result != ZStreamEnd)
            {
                throw new InvalidOperationException($"zlib deflate returned {result} instead of Z_STREAM_END.");
            }

            var size = (long)_stream->TotalOut.Value;
            _stream->NextIn = null;
            _stream->NextOut = null;
            return checked((int)(size + GzipOverhead));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private static void Check(int result, string function)
    {
        if (result != ZOk)
        {
            throw new InvalidOperationException($"zlib {function} returned {result}.");
        }
    }

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(_library, name, out var address)
            ? address
            : throw UserInputException.ForParameters($"{new Parameter("deflate")} zlib: '{_libraryName}' has no function {name}, so it is not classic zlib; use {new Parameter("deflate")} zlib-ng.");

    private void Free()
    {
        if (_stream is not null)
        {
            if (_deflateEnd is not null)
            {
                _deflateEnd(_stream);
            }

            NativeMemory.Free(_stream);
            _stream = null;
        }
    }

    // zlib's z_stream; uLong is C's unsigned long (64-bit on Linux x64/arm64, 32-bit on Windows), hence CULong.
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public byte* NextIn;
        public uint AvailIn;
        public CULong TotalIn;
        public byte* NextOut;
        public uint AvailOut;
        public CULong TotalOut;
        public byte* Msg;
        public void* State;
        public void* ZAlloc;
        public void* ZFree;
        public void* Opaque;
        public int DataType;
        public CULong Adler;
        public CULong Reserved;
    }
}
