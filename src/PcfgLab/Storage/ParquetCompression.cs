using System.Globalization;

namespace PcfgLab.Storage;

/// <summary>The page codec of the Parquet files this tool writes.</summary>
public enum ParquetCodec
{
    /// <summary>Snappy (the default): fast, about half the raw size on token ids.</summary>
    Snappy,

    /// <summary>Zstandard at an explicit level.</summary>
    Zstd,

    /// <summary>No compression.</summary>
    None,
}

/// <summary>
/// Codec and level of the Parquet pages. The accepted Zstandard levels are 1, 3 and 19, the three that Parquet.Net 6.1
/// offered when it wrote the pages (datasets written since by <see cref="TokenColumnEncoder"/> keep the same choice).
/// </summary>
/// <param name="Codec">The codec.</param>
/// <param name="ZstdLevel">Zstandard level (1, 3 or 19); ignored for the other codecs.</param>
public sealed record ParquetCompression(ParquetCodec Codec, int ZstdLevel = ParquetCompression.DefaultZstdLevel)
{
    /// <summary>The default Zstandard level.</summary>
    public const int DefaultZstdLevel = 3;

    /// <summary>Snappy, the default.</summary>
    public static ParquetCompression Default { get; } = new(ParquetCodec.Snappy);

    /// <summary>Parses a codec name (snappy, zstd, none) and level; throws <see cref="UserInputException"/> on bad input.</summary>
    public static ParquetCompression Parse(string codec, int zstdLevel = DefaultZstdLevel)
    {
        ArgumentNullException.ThrowIfNull(codec);
        var parsed = codec.Trim().ToLowerInvariant() switch
        {
            "snappy" => ParquetCodec.Snappy,
            "zstd" => ParquetCodec.Zstd,
            "none" or "uncompressed" => ParquetCodec.None,
            _ => throw UserInputException.ForParameters($"{new Parameter("codec")} '{codec}' is not known: use snappy, zstd or none."),
        };
        var result = new ParquetCompression(parsed, zstdLevel);
        result.Validate();
        return result;
    }

    /// <summary>Throws <see cref="UserInputException"/> when the Zstandard level is not one Parquet.Net can write.</summary>
    public void Validate()
    {
        if (Codec == ParquetCodec.Zstd && ZstdLevel is not (1 or 3 or 19))
        {
            throw UserInputException.ForParameters(
                $"{new Parameter("ZstdLevel")} {ZstdLevel} is not available: Parquet.Net writes Zstandard at levels 1, 3 or 19 only.");
        }
    }

    /// <summary>The codec name as written on the command line and in manifests.</summary>
    public string CodecName => Codec switch
    {
        ParquetCodec.Zstd => "zstd",
        ParquetCodec.None => "none",
        _ => "snappy",
    };

    /// <summary>Short description, for example <c>zstd-3</c> or <c>snappy</c>.</summary>
    public override string ToString() =>
        Codec == ParquetCodec.Zstd ? string.Create(CultureInfo.InvariantCulture, $"zstd-{ZstdLevel}") : CodecName;
}
