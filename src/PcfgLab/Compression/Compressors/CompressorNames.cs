using System.Globalization;

namespace PcfgLab.Compression.Compressors;

/// <summary>
/// Parses compressor names: <c>gzip0</c>..<c>gzip9</c> (<c>gzip</c> = <c>gzip9</c>, the study's), <c>brotli</c>
/// (quality 11) or <c>brotli0</c>..<c>brotli11</c>, <c>zstd</c> (level 19) or <c>zstd1</c>..<c>zstd22</c>.
/// </summary>
internal static class CompressorNames
{
    /// <summary>The study's headline compressor.</summary>
    public const string Headline = "gzip9";

    /// <summary>
    /// Creates the compressor named <paramref name="name"/> (gzip levels through <paramref name="deflate"/>); throws
    /// <see cref="UserInputException"/> for an unknown name.
    /// </summary>
    public static DocumentCompressor Create(string name, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim().ToLowerInvariant();
        if (TrySplit(trimmed, "gzip", 9, out var level) && level is >= 0 and <= 9)
        {
            return new GzipCompressor(level, deflate);
        }

        if (TrySplit(trimmed, "brotli", BrotliCompressor.DefaultQuality, out level) && level is >= 0 and <= 11)
        {
            return new BrotliCompressor(level);
        }

        if (TrySplit(trimmed, "zstd", ZstdCompressor.DefaultLevel, out level) && level is >= 1 and <= 22)
        {
            return new ZstdCompressor(level);
        }

        throw new UserInputException($"unknown compressor '{name}': use gzip0..gzip9, brotli or brotli0..brotli11, zstd or zstd1..zstd22.");
    }

    /// <summary>
    /// Parses a comma-separated list into compressors, the study's <c>gzip9</c> always first (added when absent),
    /// each name once; every gzip level deflates with <paramref name="deflate"/>.
    /// </summary>
    public static IReadOnlyList<DocumentCompressor> ParseList(IEnumerable<string>? names, DeflateImplementation deflate = DeflateImplementation.ZlibNg)
    {
        var result = new List<DocumentCompressor> { new GzipCompressor(GzipCompressibility.StudyLevel, deflate) };
        if (names is null)
        {
            return result;
        }

        foreach (var item in names)
        {
            foreach (var part in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var compressor = Create(part, deflate);
                if (!result.Exists(c => c.Name == compressor.Name))
                {
                    result.Add(compressor);
                }
            }
        }

        return result;
    }

    private static bool TrySplit(string name, string prefix, int defaultValue, out int value)
    {
        value = defaultValue;
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.AsSpan(prefix.Length);
        return rest.IsEmpty || int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
