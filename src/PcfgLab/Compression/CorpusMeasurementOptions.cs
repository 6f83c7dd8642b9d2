using PcfgLab.Compression.Compressors;

namespace PcfgLab.Compression;

/// <summary>How <see cref="CorpusCompressibility"/> turns a corpus into windows and measures them.</summary>
public sealed record CorpusMeasurementOptions
{
    /// <summary>Default window length in tokens.</summary>
    public const int DefaultTokenWindow = 256;

    /// <summary>Default window length in bytes with <see cref="Bytes"/>: 1024, the raw size of 256 four-byte tokens.</summary>
    public const int DefaultByteWindow = 1024;

    /// <summary>Default sample size.</summary>
    public const int DefaultSampleSize = 1000;

    /// <summary>Tokenizer for text (<c>cl100k</c>, <c>o200k</c> or a file path); ignored for token sources.</summary>
    public string Tokenizer { get; init; } = "cl100k";

    /// <summary>Measure raw UTF-8 bytes in windows of bytes instead of tokens (the study's "raw string" variant).</summary>
    public bool Bytes { get; init; }

    /// <summary>
    /// Window length (tokens, or bytes with <see cref="Bytes"/>). Null: 256 tokens or 1024 bytes for text, and for
    /// token sources each row measured whole, as the study measures its generated documents.
    /// </summary>
    public int? WindowLength { get; init; }

    /// <summary>Windows sampled uniformly (reservoir) from the whole corpus.</summary>
    public int SampleSize { get; init; } = DefaultSampleSize;

    /// <summary>Measure every window instead of a sample.</summary>
    public bool All { get; init; }

    /// <summary>Seed of the sample and of the bootstrap.</summary>
    public ulong Seed { get; init; }

    /// <summary>Compressor names beside the headline gzip9 (see <see cref="CompressorNames"/>).</summary>
    public IReadOnlyList<string> Compressors { get; init; } = [];

    /// <summary>Deflate implementation of the gzip measures (zlib-ng by default; classic zlib for Python's exact sizes).</summary>
    public DeflateImplementation Deflate { get; init; } = DeflateImplementation.ZlibNg;

    /// <summary>
    /// Threads that tokenise text (the numbers do not depend on it: the windows reach the sample in the corpus's
    /// order). Token sources and <see cref="Bytes"/> need no tokenizer and read on one thread.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Bootstrap resamples for the median's interval.</summary>
    public int BootstrapResamples { get; init; } = BootstrapInterval.DefaultResamples;
}
