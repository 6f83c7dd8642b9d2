namespace PcfgLab.Compression;

/// <summary>
/// Which deflate made a gzip figure. The two agree on most token documents but not byte for byte on raw text
/// (about 3% of 1,024-byte windows differ by 1-4 bytes), so every figure records its implementation.
/// </summary>
public enum DeflateImplementation
{
    /// <summary>System.IO.Compression, which is zlib-ng in .NET 9 and later: the default (the design card names it).</summary>
    ZlibNg = 0,

    /// <summary>Classic zlib (the system's <c>libz.so.1</c>, what CPython links): byte-identical to Python's <c>gzip.compress</c>.</summary>
    Zlib = 1,
}

/// <summary>Names of <see cref="DeflateImplementation"/> on the command line and in manifests and JSON.</summary>
public static class DeflateImplementations
{
    /// <summary>The name of <see cref="DeflateImplementation.ZlibNg"/>.</summary>
    public const string ZlibNgName = "zlib-ng";

    /// <summary>The name of <see cref="DeflateImplementation.Zlib"/>.</summary>
    public const string ZlibName = "zlib";

    /// <summary><c>zlib-ng</c> or <c>zlib</c>.</summary>
    public static string Name(this DeflateImplementation implementation) => implementation switch
    {
        DeflateImplementation.ZlibNg => ZlibNgName,
        DeflateImplementation.Zlib => ZlibName,
        _ => throw new ArgumentOutOfRangeException(nameof(implementation), implementation, "unknown deflate implementation"),
    };

    /// <summary>Parses <c>zlib-ng</c> or <c>zlib</c>; throws <see cref="UserInputException"/> for anything else.</summary>
    public static DeflateImplementation Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            ZlibNgName => DeflateImplementation.ZlibNg,
            ZlibName => DeflateImplementation.Zlib,
            _ => throw UserInputException.ForParameters($"unknown {new Parameter("deflate")} '{name}': use zlib-ng (System.IO.Compression, the default) or zlib (classic zlib, byte-identical to Python's gzip)."),
        };
    }
}
