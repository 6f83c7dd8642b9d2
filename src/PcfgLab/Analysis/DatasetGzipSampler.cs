using PcfgLab.Compression;
using PcfgLab.Storage;

namespace PcfgLab.Analysis;

/// <summary>Per-document gzip ratios of a seeded sample of a dataset's documents, for the report's histograms.</summary>
public static class DatasetGzipSampler
{
    /// <summary>
    /// The gzip ratio (level 9, the study's measure) of <paramref name="count"/> documents of the dataset folder
    /// <paramref name="path"/>, chosen uniformly without replacement by <paramref name="seed"/> (the same choice as
    /// <c>pcfglab generate</c>'s sample for that seed); null when the folder has no Parquet shards.
    /// </summary>
    public static IReadOnlyList<double>? Sample(string path, int count, ulong seed, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path) || Directory.GetFiles(path, "*.parquet").Length == 0)
        {
            return null;
        }

        var ratios = GzipSample.SampleRatiosAsync(ParquetDatasetReader.Open(path), count, seed, cancellationToken).GetAwaiter().GetResult();
        return ratios.Length == 0 ? null : ratios;
    }
}
