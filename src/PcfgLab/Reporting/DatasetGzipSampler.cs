using PcfgLab.Compression;
using PcfgLab.Storage;

namespace PcfgLab.Reporting;

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

        var reader = ParquetDatasetReader.Open(path);
        var population = reader.CountDocumentsAsync(cancellationToken).GetAwaiter().GetResult();
        if (population == 0)
        {
            return null;
        }

        var indices = GzipSample.ChooseDocuments(population, count, seed);
        var documents = reader.ReadDocumentsAtAsync(indices, cancellationToken).GetAwaiter().GetResult();
        var measure = new GzipCompressibility();
        var ratios = new double[documents.Length];
        for (var i = 0; i < ratios.Length; i++)
        {
            ratios[i] = measure.Ratio(documents[i]);
        }

        return ratios;
    }
}
