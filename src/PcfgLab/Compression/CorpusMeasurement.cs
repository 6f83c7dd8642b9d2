namespace PcfgLab.Compression;

/// <summary>The compressibility of one corpus: the headline gzip level-9 summary and the other compressors'.</summary>
/// <param name="Source">The path measured.</param>
/// <param name="Description">What the source holds, for example <c>text files</c>.</param>
/// <param name="Unit"><c>tokens</c> or <c>bytes</c>.</param>
/// <param name="Tokenizer">Tokenizer used, or null (token source or bytes).</param>
/// <param name="WindowLength">Window length in <paramref name="Unit"/>, or null when rows were measured whole.</param>
/// <param name="Gzip">Summary of the gzip level-9 ratios (the study's measure; its median is the headline).</param>
/// <param name="MedianInterval">95% interval for the gzip median.</param>
/// <param name="Compressors">Summary per compressor, gzip9 first, by name.</param>
/// <param name="Counts">Windows, documents, bytes, tokens and skipped items.</param>
/// <param name="Seconds">Wall time of reading, tokenizing and measuring.</param>
public sealed record CorpusMeasurement(
    string Source,
    string Description,
    string Unit,
    string? Tokenizer,
    int? WindowLength,
    SummaryStatistics Gzip,
    BootstrapInterval MedianInterval,
    IReadOnlyDictionary<string, SummaryStatistics> Compressors,
    CorpusCounts Counts,
    double Seconds)
{
    /// <summary>Input megabytes (10^6) read per second.</summary>
    public double MegabytesPerSecond => Seconds > 0 ? Counts.BytesRead / 1e6 / Seconds : 0;

    /// <summary>Tokens produced or read per second (0 for bytes).</summary>
    public double TokensPerSecond => Seconds > 0 ? Counts.Tokens / Seconds : 0;
}

/// <summary>What was read from a corpus.</summary>
/// <param name="WindowsSeen">Complete windows in the corpus.</param>
/// <param name="WindowsMeasured">Windows measured (the sample, or all).</param>
/// <param name="Documents">Documents (files, records, rows) read.</param>
/// <param name="BytesRead">Input bytes read.</param>
/// <param name="Tokens">Tokens produced (text) or read (token sources); 0 with bytes.</param>
/// <param name="Skipped">Skipped items by reason, for example <c>binary</c> -> 3.</param>
/// <param name="SkippedExamples">Up to three skipped items with their reason.</param>
public sealed record CorpusCounts(
    long WindowsSeen,
    int WindowsMeasured,
    long Documents,
    long BytesRead,
    long Tokens,
    IReadOnlyDictionary<string, long> Skipped,
    IReadOnlyList<string> SkippedExamples);
